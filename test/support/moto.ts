/**
 * Starts `moto_server` on a free loopback port for integration tests and
 * stops it by its PID. The server is a real AWS endpoint for ECR, SES, ECS,
 * Lambda, STS, S3 and Secrets Manager (without pagination in ECR, push-time
 * control or lifecycle evaluation, which unit tests cover).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { requireTool } from './tools';

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Environment for SDK clients and child processes pointed at this server. */
  env: Record<string, string>;
  /** Options for an AWS SDK client pointed at this server: `new ECRClient(moto.clientConfig)`. */
  clientConfig: {
    region: string;
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  };
  /** Clears every resource, so tests sharing a server do not see each other's data. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Fake credentials: moto accepts any; they must never be real ones. */
export const MOTO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
};

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(region = 'us-east-1'): Promise<MotoServer> {
  requireTool('moto_server');
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...MOTO_CREDENTIALS },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, 30000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    env: { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: endpoint, AWS_REGION: region },
    clientConfig: {
      region,
      endpoint,
      credentials: {
        accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
        sessionToken: MOTO_CREDENTIALS.AWS_SESSION_TOKEN,
      },
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.pid === undefined) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid, 'SIGTERM');
      }),
  };
}
