/** Child process of the benchmark: summarises one layer blob and prints time and peak memory as JSON. */
import { createReadStream } from 'node:fs';
import { summariseLayer } from '../../lambda/layers/summarise';

async function main(file: string): Promise<void> {
  const started = process.hrtime.bigint();
  const summary = await summariseLayer(createReadStream(file, { highWaterMark: 1024 * 1024 }), {
    digest: 'sha256:bench',
    image: file,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      entryCount: summary.entryCount,
      uncompressedBytes: summary.sizeBytes,
      compressedBytes: summary.compressedSizeBytes,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}

void main(process.argv[2]);
