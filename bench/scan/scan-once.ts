/**
 * One scan of the synthetic endpoint, in its own process so its peak memory
 * is its own. Prints one JSON line of figures.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { sdkConfig } from '../../lambda/aws/clients';
import { scanAccount } from '../../lambda/scan/scan-account';
import { silentLog } from '../../lambda/util/log';
import { FileStore } from '../../lambda/util/store';

async function main() {
  const [endpoint, cacheDir, concurrency] = process.argv.slice(2);
  const ecr = new ECRClient({
    ...sdkConfig({ region: 'us-east-1', endpoint }),
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let peakHeapBytes = 0;
  const sample = () => {
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, 50);

  const started = process.hrtime.bigint();
  const inventory = await scanAccount(
    { ecr },
    {
      repositoryPatterns: ['*'],
      excludePatterns: [],
      externalReferences: [],
      manifestCache: new FileStore(cacheDir),
      concurrency: Number(concurrency),
      log: silentLog,
      now: () => new Date(),
    },
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  sample();
  clearInterval(sampler);

  process.stdout.write(
    `${JSON.stringify({
      wallMs: Math.round(wallMs),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapBytes,
      repositories: inventory.repositories.length,
      images: inventory.repositories.reduce((n, r) => n + r.images.length, 0),
      manifests: Object.keys(inventory.manifests).length,
      missing: inventory.missing.filter((m) => m.repository).length,
    })}\n`,
  );
}

void main();
