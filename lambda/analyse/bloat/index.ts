/**
 * Bloat analysis: layer summaries (measured) and image history (estimated)
 * turned into findings and tips per image.
 */
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { ImageReadError } from '../../errors';
import type { ImageBloat } from '../../model/bloat';
import type { Inventory } from '../../model/inventory';
import { LAYER_SUMMARY_FORMAT, type LayerSummary } from '../../model/layer';
import { parseManifest, sha256Digest, type ParsedManifest } from '../../model/manifest';
import { summariseLayer } from '../../layers/summarise';
import type { Log } from '../../util/log';
import type { Store } from '../../util/store';
import { analyseImage } from './analyse-image';

/** Where layer and config blobs come from: the registry API, or local archives. */
export interface BlobSource {
  /** Streams one blob of a repository, as stored (usually compressed). */
  open(repository: string, digest: string): Promise<Readable>;
}

export interface SummariseOptions {
  /** Compressed layer bytes to download this run; largest kept images first. */
  byteBudget: number;
  concurrency: number;
  /** Layer summaries and configs by digest, kept across runs. */
  cache?: Store;
  /** Images that will be kept; only these are worth analysing. Default: all. */
  keep?: (repository: string, imageDigest: string) => boolean;
  log: Log;
  progress?: (message: string) => void;
  /**
   * Milliseconds left for the run. No new layer is started when less than
   * a minute is left, so the digest is still built and sent in time.
   */
  remainingTimeMs?: () => number;
}

/** Time kept free at the end of a run for planning, the digest and delivery. */
const STOP_BEFORE_END_MS = 60_000;

interface Candidate {
  repository: string;
  imageDigest: string;
  manifest: ParsedManifest;
  storedBytes: number;
}

function candidates(
  inventory: Inventory,
  keep: SummariseOptions['keep'],
  missing: Inventory['missing'],
): Candidate[] {
  const seen = new Set<string>();
  const list: Candidate[] = [];
  for (const repository of inventory.repositories) {
    for (const image of repository.images) {
      const body = inventory.manifests[image.imageDigest];
      if (!body || seen.has(image.imageDigest)) continue;
      if (keep && !keep(repository.name, image.imageDigest)) continue;
      let manifest: ParsedManifest;
      try {
        // Layers are trusted only through a manifest that matches its digest.
        manifest = parseManifest(body, image.imageDigest, { verify: true });
      } catch (error) {
        missing.push({
          repository: repository.name,
          what: `layers of ${image.imageDigest}`,
          reason: (error as Error).message,
        });
        continue;
      }
      if (manifest.kind !== 'image' || !manifest.layers.length) continue;
      seen.add(image.imageDigest);
      list.push({
        repository: repository.name,
        imageDigest: image.imageDigest,
        manifest,
        storedBytes: manifest.layers.reduce((sum, layer) => sum + layer.sizeBytes, 0),
      });
    }
  }
  return list.sort((a, b) => b.storedBytes - a.storedBytes);
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function cachedSummary(
  cache: Store | undefined,
  digest: string,
): Promise<LayerSummary | undefined> {
  const text = await cache?.get(`layers/${digest}.json`);
  if (!text) return undefined;
  try {
    const summary = JSON.parse(text) as LayerSummary;
    return summary.format === LAYER_SUMMARY_FORMAT && summary.digest === digest
      ? summary
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fills `inventory.layerSummaries` and `inventory.configs` for the images
 * worth analysing, within the byte budget. Each layer is read at most once;
 * a layer that cannot be read marks its image unmeasured and the run goes on.
 */
export async function summariseLayers(
  inventory: Inventory,
  source: BlobSource,
  options: SummariseOptions,
): Promise<void> {
  const { log, cache } = options;
  const limit = pLimit(Math.max(1, options.concurrency));
  // Configs are small: fetch more of them at once than layers.
  const configLimit = pLimit(Math.max(8, options.concurrency * 4));
  const images = candidates(inventory, options.keep, inventory.missing);

  await Promise.all(
    images.map((image) =>
      configLimit(async () => {
        const config = image.manifest.config;
        if (!config || inventory.configs[config.digest]) return;
        try {
          let body = await cache?.get(`configs/${config.digest}.json`);
          if (!body) {
            body = await readText(await source.open(image.repository, config.digest));
            if (sha256Digest(body) !== config.digest) {
              throw new ImageReadError(
                `config ${config.digest} of ${image.repository}@${image.imageDigest} does not match its bytes (they hash to ${sha256Digest(body)})`,
                { image: `${image.repository}@${image.imageDigest}` },
              );
            }
            await cache?.put(`configs/${config.digest}.json`, body);
          }
          inventory.configs[config.digest] = body;
        } catch (error) {
          log.warn('image config unreadable; history tips skipped for this image', {
            repository: image.repository,
            imageDigest: image.imageDigest,
            error: (error as Error).message,
          });
          inventory.missing.push({
            repository: image.repository,
            what: `config ${config.digest}`,
            reason: (error as Error).message,
          });
        }
      }),
    ),
  );

  const running = new Map<string, Promise<LayerSummary | undefined>>();
  const failed = new Set<string>();
  const timedOut = new Set<string>();
  let remaining = options.byteBudget;
  let analysed = 0;
  let skipped = 0;

  const summarise = (repository: string, layer: { digest: string; sizeBytes: number }) => {
    let task = running.get(layer.digest);
    if (task) return task;
    task = limit(async () => {
      if (options.remainingTimeMs && options.remainingTimeMs() < STOP_BEFORE_END_MS) {
        timedOut.add(layer.digest);
        return undefined;
      }
      try {
        const summary = await summariseLayer(await source.open(repository, layer.digest), {
          digest: layer.digest,
          verify: true,
          image: repository,
        });
        await cache?.put(`layers/${layer.digest}.json`, JSON.stringify(summary));
        inventory.layerSummaries[layer.digest] = summary;
        return summary;
      } catch (error) {
        failed.add(layer.digest);
        log.warn('layer unreadable; its images are judged from their history only', {
          repository,
          digest: layer.digest,
          error: (error as Error).message,
        });
        inventory.missing.push({
          repository,
          what: `layer ${layer.digest}`,
          reason: (error as Error).message,
        });
        return undefined;
      }
    });
    running.set(layer.digest, task);
    return task;
  };

  const work: Array<Promise<unknown>> = [];
  for (const image of images) {
    const needed: typeof image.manifest.layers = [];
    for (const layer of image.manifest.layers) {
      if (
        inventory.layerSummaries[layer.digest] ||
        running.has(layer.digest) ||
        failed.has(layer.digest)
      )
        continue;
      const cached = await cachedSummary(cache, layer.digest);
      if (cached) inventory.layerSummaries[layer.digest] = cached;
      else if (!needed.some((n) => n.digest === layer.digest)) needed.push(layer);
    }
    const bytes = needed.reduce((sum, layer) => sum + layer.sizeBytes, 0);
    if (bytes > remaining) {
      skipped += 1;
      continue; // A partly read image cannot be measured; a smaller one may still fit.
    }
    remaining -= bytes;
    analysed += 1;
    for (const layer of needed) work.push(summarise(image.repository, layer));
    if (needed.length)
      options.progress?.(
        `analysing ${needed.length} layer(s) of ${image.repository}@${image.imageDigest.slice(0, 19)}`,
      );
  }
  await Promise.all(work);
  if (timedOut.size) {
    // Like the byte budget, this only lowers the analysed share; the next run continues.
    log.warn('time ran short; some layers were left for the next run', { layers: timedOut.size });
  }
  log.info('layer analysis finished', {
    images: images.length,
    analysed,
    skippedForBudget: skipped,
    layersRead: running.size,
    layersFailed: failed.size,
    budgetLeftBytes: remaining,
  });
}

function imageName(repository: string, tags: string[], digest: string): string {
  return tags.length ? `${repository}:${tags[0]}` : `${repository}@${digest}`;
}

/** Pure: findings, bloat bytes and tips for every image with a config or layer summaries. */
export function analyseBloat(
  inventory: Inventory,
  options: { pricePerGbMonthUsd: number },
): ImageBloat[] {
  const results: ImageBloat[] = [];
  for (const repository of inventory.repositories) {
    for (const image of repository.images) {
      const body = inventory.manifests[image.imageDigest];
      if (!body) continue;
      let manifest: ParsedManifest;
      try {
        manifest = parseManifest(body, image.imageDigest);
      } catch {
        continue;
      }
      if (manifest.kind !== 'image') continue;
      const config = manifest.config ? inventory.configs[manifest.config.digest] : undefined;
      const hasSummaries = manifest.layers.some((layer) => inventory.layerSummaries[layer.digest]);
      if (!config && !hasSummaries) continue;
      const analysis = analyseImage({
        repository: repository.name,
        imageDigest: image.imageDigest,
        image: imageName(repository.name, image.tags, image.imageDigest),
        config,
        layers: manifest.layers,
        summaries: inventory.layerSummaries,
        pricePerGbMonthUsd: options.pricePerGbMonthUsd,
      });
      results.push({
        repository: analysis.repository,
        imageDigest: analysis.imageDigest,
        image: analysis.image,
        bloatBytes: analysis.storedBloatBytes,
        basis: analysis.basis,
        findings: analysis.findings,
        tips: analysis.tips,
      });
    }
  }
  return results;
}
