/**
 * Child process of the benchmark: summarises the same blob N times at once,
 * either as concurrent streams in one thread (zlib inflates on libuv's
 * thread pool) or in N worker threads, and reports wall time, CPU time and
 * peak memory as JSON.
 */
import { createReadStream } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { summariseLayer } from '../../lambda/layers/summarise';

async function summarise(file: string): Promise<number> {
  const summary = await summariseLayer(createReadStream(file, { highWaterMark: 1024 * 1024 }), {
    digest: 'sha256:bench',
    image: file,
  });
  return summary.sizeBytes;
}

function inWorker(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's loader: register it before loading this file.
    const worker = new Worker(
      `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`,
      { eval: true, workerData: { file } },
    );
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main(mode: string, count: number, file: string): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const runs = Array.from({ length: count }, () =>
    mode === 'workers' ? inWorker(file) : summarise(file),
  );
  const bytes = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      count,
      seconds,
      uncompressedBytes: bytes,
      coresUsed: (cpu.user + cpu.system) / 1e6 / seconds,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}

if (isMainThread) {
  void main(process.argv[2], Number(process.argv[3]), process.argv[4]);
} else {
  void summarise((workerData as { file: string }).file).then((bytes) =>
    parentPort!.postMessage(bytes),
  );
}
