/**
 * `npm run bench:layers`: the layer analyser's throughput on a ~1 GB gzip
 * layer of real files, side by side with `gzip -dc > /dev/null` and Python's
 * `tarfile` in stream mode (`r|gz`) on the same blob; its peak memory; and
 * several layers at once, in one thread and in worker threads.
 *
 * Figures depend on what else the machine runs: the load average is printed
 * with them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureBlob } from './blob';

const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const PYTHON_STREAM_READER = `
import sys, tarfile, time
started = time.perf_counter()
count = 0
with tarfile.open(sys.argv[1], mode='r|gz') as archive:
    for member in archive:
        count += 1
print(time.perf_counter() - started)
`;

function timed(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with status ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function child<T>(script: string, args: string[]): T {
  const output = execFileSync(TSX, [join(__dirname, script), ...args], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop()!) as T;
}

function mbPerSecond(bytes: number, seconds: number): string {
  return `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;
}

function best<T extends { seconds: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function main(): void {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const blob = ensureBlob(log);
  const compressedBytes = statSync(blob).size;
  const repeats = Number(process.env.BENCH_REPEATS ?? 2);
  log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine slows every figure)`,
  );
  log(
    `blob: ${blob}, ${(compressedBytes / 1e6).toFixed(0)} MB compressed; best of ${repeats} runs each\n`,
  );

  const gzipSeconds = Math.min(
    ...Array.from({ length: repeats }, () => timed('sh', ['-c', `gzip -dc '${blob}' > /dev/null`])),
  );
  const pythonSeconds = Math.min(
    ...Array.from({ length: repeats }, () =>
      Number(execFileSync('python3', ['-c', PYTHON_STREAM_READER, blob], { encoding: 'utf8' })),
    ),
  );
  const ours = best(
    Array.from({ length: repeats }, () =>
      child<{
        seconds: number;
        uncompressedBytes: number;
        entryCount: number;
        maxRssBytes: number;
      }>('analyse-one.ts', [blob]),
    ),
  );
  const uncompressed = ours.uncompressedBytes;

  log('one layer                         seconds   throughput (uncompressed)');
  log(
    `  ecr-janitor layer analyser     ${ours.seconds.toFixed(2).padStart(7)}   ${mbPerSecond(uncompressed, ours.seconds)}   (${ours.entryCount} entries, ${(uncompressed / 1e9).toFixed(2)} GB of files)`,
  );
  log(
    `  gzip -dc > /dev/null           ${gzipSeconds.toFixed(2).padStart(7)}   ${mbPerSecond(uncompressed, gzipSeconds)}`,
  );
  log(
    `  python3 tarfile 'r|gz'         ${pythonSeconds.toFixed(2).padStart(7)}   ${mbPerSecond(uncompressed, pythonSeconds)}`,
  );
  log(
    `  peak memory of the analyser process (RSS, runtime included): ${(ours.maxRssBytes / 1e6).toFixed(0)} MB\n`,
  );

  type Parallel = {
    mode: string;
    count: number;
    seconds: number;
    uncompressedBytes: number;
    coresUsed: number;
    maxRssBytes: number;
  };
  const parallel = ['streams', 'workers'].map((mode) =>
    best(Array.from({ length: repeats }, () => child<Parallel>('parallel.ts', [mode, '2', blob]))),
  );
  log('two layers at once                seconds   throughput   cores used   peak RSS');
  for (const run of parallel) {
    log(
      `  ${(run.mode === 'streams' ? 'two streams, one thread' : 'two worker threads').padEnd(30)} ${run.seconds.toFixed(2).padStart(7)}   ${mbPerSecond(run.uncompressedBytes, run.seconds).padStart(10)}   ${run.coresUsed.toFixed(2).padStart(10)}   ${(run.maxRssBytes / 1e6).toFixed(0)} MB`,
    );
  }

  log('\ntargets');
  log(
    `  at least as fast as python's stream reader: ${ours.seconds <= pythonSeconds ? 'met' : 'NOT met'} (${ours.seconds.toFixed(2)} s vs ${pythonSeconds.toFixed(2)} s)`,
  );
  log(
    `  peak memory under 256 MB for a ~1 GB layer: ${ours.maxRssBytes < 256e6 ? 'met' : 'NOT met'} (${(ours.maxRssBytes / 1e6).toFixed(0)} MB)`,
  );
  const bestParallel = parallel.reduce((a, b) => (b.coresUsed > a.coresUsed ? b : a));
  log(
    `  several layers use both cores: ${bestParallel.coresUsed >= 1.6 ? 'met' : 'NOT met'} (best ${bestParallel.coresUsed.toFixed(2)} cores, ${bestParallel.mode}; load average now ${loadavg()[0].toFixed(2)})`,
  );
}

main();
