/**
 * Real images for integration tests: built with umoci (an OCI layout, one
 * layer per insert, whiteouts and opaque whiteouts on request), copied with
 * skopeo into a `docker-registry` started on a free loopback port with a
 * temporary config, and stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port';
import { requireTool } from './tools';

export interface LocalRegistry {
  url: string;
  host: string;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`docker-registry exited with code ${child.exitCode}\n${log()}`);
    try {
      if ((await fetch(`${url}/v2/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer on ${url} within ${timeoutMs} ms\n${log()}`);
}

export async function startRegistry(): Promise<LocalRegistry> {
  requireTool('docker-registry');
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'ecr-janitor-registry-'));
  const config = join(root, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(root, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, 20000, () => stderr);
  } catch (error) {
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    throw error;
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        const finish = () => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.pid === undefined) return finish();
        child.once('exit', finish);
        process.kill(child.pid, 'SIGTERM');
      }),
  };
}

/** A layer to add: files (path → content or size in bytes), a whiteout, or an opaque directory. */
export type LayerSpec =
  | { files: Record<string, string | number> }
  | { whiteout: string }
  | { opaque: string; files: Record<string, string | number> };

function content(value: string | number): Buffer {
  return typeof value === 'number' ? Buffer.alloc(value, 0x61) : Buffer.from(value);
}

function writeTree(root: string, files: Record<string, string | number>): void {
  for (const [path, value] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content(value));
  }
}

function addLayers(layout: string, tag: string, layers: LayerSpec[]): void {
  const image = `${layout}:${tag}`;
  const scratch = mkdtempSync(join(tmpdir(), 'ecr-janitor-layer-'));
  try {
    layers.forEach((layer, i) => {
      if ('whiteout' in layer) {
        execFileSync('umoci', ['insert', '--image', image, '--whiteout', layer.whiteout]);
        return;
      }
      const source = join(scratch, String(i));
      mkdirSync(source, { recursive: true });
      if ('opaque' in layer) {
        writeTree(source, layer.files);
        execFileSync('umoci', ['insert', '--image', image, '--opaque', source, layer.opaque]);
      } else {
        writeTree(source, layer.files);
        execFileSync('umoci', ['insert', '--image', image, source, '/']);
      }
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds an OCI layout at `layout` with tag `tag`, one layer per spec. */
export function buildOciImage(layout: string, tag: string, layers: LayerSpec[]): void {
  requireTool('umoci');
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:${tag}`]);
  addLayers(layout, tag, layers);
}

/** Adds one layer on top of an existing tag. */
buildOciImage.addLayer = (layout: string, tag: string, layer: LayerSpec): void => {
  addLayers(layout, tag, [layer]);
};

/** Copies an OCI layout image into a registry with skopeo. */
export function pushImage(
  layout: string,
  tag: string,
  registry: LocalRegistry,
  repository: string,
): void {
  requireTool('skopeo');
  execFileSync('skopeo', [
    'copy',
    '--quiet',
    '--dest-tls-verify=false',
    `oci:${layout}:${tag}`,
    `docker://${registry.host}/${repository}:${tag}`,
  ]);
}
