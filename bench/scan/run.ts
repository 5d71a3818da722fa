/**
 * `npm run bench:scan`: scans a synthetic account (2,000 repositories,
 * 200,000 images by default) behind a local endpoint that speaks the ECR
 * JSON protocol with a set latency per call, cold (empty manifest cache)
 * then warm, and prints API calls against the minimum, wall time and peak
 * memory. Settings: BENCH_REPOSITORIES, BENCH_IMAGES, BENCH_LATENCY_MS,
 * BENCH_CONCURRENCY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CallCounts } from './synthetic-account';

const settings = {
  repositories: Number(process.env.BENCH_REPOSITORIES ?? 2000),
  images: Number(process.env.BENCH_IMAGES ?? 200_000),
  latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 20),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8),
};

function start(
  script: string,
  args: string[],
): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
  });
  return { child, firstLine };
}

const total = (counts: CallCounts) => Object.values(counts).reduce((a, b) => a + b, 0);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main() {
  const server = start('server.ts', [
    '--repositories',
    String(settings.repositories),
    '--images',
    String(settings.images),
    '--latency',
    String(settings.latencyMs),
  ]);
  const cacheDir = await mkdtemp(join(tmpdir(), 'bench-scan-'));
  try {
    const { endpoint, minimum } = JSON.parse(await server.firstLine) as {
      endpoint: string;
      minimum: { cold: CallCounts; warm: CallCounts };
    };
    process.stdout.write(
      `bench:scan  ${settings.repositories} repositories, ${settings.images} images, ` +
        `${settings.latencyMs} ms per call, concurrency ${settings.concurrency}, endpoint ${endpoint}\n\n`,
    );
    for (const phase of ['cold', 'warm'] as const) {
      await fetch(`${endpoint}/__counts`, { method: 'DELETE' });
      const scan = start('scan-once.ts', [endpoint, cacheDir, String(settings.concurrency)]);
      const figures = JSON.parse(await scan.firstLine);
      const { counts } = (await (await fetch(`${endpoint}/__counts`)).json()) as {
        counts: CallCounts;
      };
      const least = minimum[phase];
      const ratio = total(counts) / total(least);
      process.stdout.write(
        `${phase} scan: ${figures.repositories} repositories, ${figures.images} images, ` +
          `${figures.manifests} manifests, ${figures.missing} repositories missing\n` +
          `  API calls   ${total(counts)} made, ${total(least)} minimum, ratio ${ratio.toFixed(3)} (target <= 1.05)\n` +
          Object.keys({ ...least, ...counts })
            .map(
              (op) =>
                `    ${op.padEnd(22)} ${String(counts[op] ?? 0).padStart(7)} made ${String(least[op] ?? 0).padStart(7)} minimum\n`,
            )
            .join('') +
          `  wall time   ${(figures.wallMs / 1000).toFixed(1)} s\n` +
          `  peak memory ${mb(figures.maxRssBytes)} RSS, ${mb(figures.peakHeapBytes)} heap (target RSS < 1024 MiB)\n` +
          (phase === 'warm'
            ? `  warm BatchGetImage calls: ${counts.BatchGetImage ?? 0} (target 0)\n`
            : '') +
          '\n',
      );
    }
  } finally {
    if (server.child.pid !== undefined && server.child.exitCode === null) {
      process.kill(server.child.pid, 'SIGTERM');
    }
    await rm(cacheDir, { recursive: true, force: true });
  }
}

void main();
