/**
 * A local HTTP endpoint on 127.0.0.1 that speaks the ECR JSON protocol
 * (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`) with a
 * set latency per call, answering from a SyntheticAccount. Run as its own
 * process by the benchmark (so its memory is not counted as the scan's), or
 * started in-process by tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SyntheticAccount } from './synthetic-account';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

export interface EcrServer {
  endpoint: string;
  server: Server;
  close(): Promise<void>;
}

export function startEcrServer(
  account: SyntheticAccount,
  options: { latencyMs?: number; port?: number } = {},
): Promise<EcrServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/__counts') {
        const body = JSON.stringify({ counts: account.counts, throttled: account.throttled });
        if (request.method === 'DELETE') {
          account.counts = {};
          account.throttled = 0;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (operation === 'DescribeImages' && account.hang.has(input.repositoryName)) return;
      const { status, body } = account.answer(operation, input);
      const text = JSON.stringify(body);
      setTimeout(() => {
        response
          .writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': Buffer.byteLength(text),
            'x-amzn-requestid': 'synthetic',
          })
          .end(text);
      }, options.latencyMs ?? 0);
    });
  });
  return new Promise((resolve) => {
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (require.main === module) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const account = new SyntheticAccount({
    repositories: arg('repositories', 2000),
    images: arg('images', 200_000),
  });
  void startEcrServer(account, { latencyMs: arg('latency', 20) }).then(({ endpoint }) => {
    process.stdout.write(
      `${JSON.stringify({ endpoint, minimum: { cold: account.minimumCalls(false), warm: account.minimumCalls(true) } })}\n`,
    );
  });
}
