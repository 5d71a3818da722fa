/**
 * Bloat analysis: layer summaries (measured) and image history (estimated)
 * turned into findings and tips per image.
 */
import type { Readable } from 'node:stream';
import { JanitorError } from '../../errors';
import type { ImageBloat } from '../../model/bloat';
import type { Inventory } from '../../model/inventory';
import type { Log } from '../../util/log';
import type { Store } from '../../util/store';

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
}

/**
 * Fills `inventory.layerSummaries` and `inventory.configs` for the images
 * worth analysing, within the byte budget. Each layer is read at most once.
 */
export async function summariseLayers(
  _inventory: Inventory,
  _source: BlobSource,
  _options: SummariseOptions,
): Promise<void> {
  throw new JanitorError('summariseLayers is not built yet');
}

/** Pure: findings, bloat bytes and tips for every image with a config or layer summaries. */
export function analyseBloat(
  _inventory: Inventory,
  _options: { pricePerGbMonthUsd: number },
): ImageBloat[] {
  return [];
}
