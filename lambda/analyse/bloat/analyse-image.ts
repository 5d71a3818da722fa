/**
 * The bloat analysis of one image: measured figures from its layer
 * summaries when every layer has one, history findings always, a base-image
 * comparison, and tips ranked by what they save.
 */
import { monthlyCostUsd } from '../accounting';
import type { Finding, ImageBloat } from '../../model/bloat';
import type { Basis, Tip } from '../../model/digest';
import type { LayerSummary } from '../../model/layer';
import type { BlobRef } from '../../model/manifest';
import { identifyBaseImage, lighterBase, type BaseImage } from './base-image';
import { HISTORY_CACHE_CODES } from './cache-rules';
import { diveFigures, type DiveFigures } from './dive';
import { historySteps, parseConfig, describeStep, type HistoryStep } from './history';
import { historyObservations } from './history-rules';
import { measuredObservations } from './measured';
import { formatBytes, VERIFY_CAVEAT, type Observation } from './observation';
import { stackLayers } from './stack';

/**
 * When a saving is only estimated, its stored (compressed) share is taken as
 * 40 %, a typical gzip ratio for the mix of binaries and text in images.
 */
export const DEFAULT_COMPRESSION_RATIO = 0.4;

export interface ImageInput {
  repository: string;
  imageDigest: string;
  /** `repository:tag`, `repository@digest` or a file path, for people. */
  image: string;
  /** The config body, when fetched. */
  config?: string;
  /** Layer blobs in the manifest's order, when the manifest is known. */
  layers?: BlobRef[];
  /** Summaries by layer digest; the image is measured when every layer has one. */
  summaries: Record<string, LayerSummary | undefined>;
  pricePerGbMonthUsd: number;
}

export interface LayerReport {
  digest: string;
  /** Stored (compressed) size. */
  sizeBytes: number;
  /** Sum of file sizes in the layer, when measured. */
  uncompressedBytes?: number;
  historyIndex?: number;
  instruction?: string;
}

export interface ImageAnalysis extends ImageBloat {
  /** True when every layer's contents were read. */
  measured: boolean;
  /** Stored bytes of the image: its layers and config, as the registry stores them. */
  totalBytes: number;
  /** Sum of file sizes over all layers, when measured. */
  uncompressedBytes: number | null;
  /**
   * Bloat bytes as the registry stores them: measured file bytes scaled by
   * their layer's compression ratio, so they add up with stored and
   * reclaimable bytes (which are compressed) in the digest.
   */
  storedBloatBytes: number;
  layers: LayerReport[];
  /** Bytes of files deleted or replaced by a later layer; null when not measured. */
  hiddenBytes: number | null;
  /** Bytes of extra copies re-shipped unchanged by a later layer; null when not measured. */
  duplicateBytes: number | null;
  /** dive's figures, for comparison; null when not measured. */
  dive: DiveFigures | null;
  baseImage: BaseImage;
}

const CACHE_FROM_HISTORY = new Set([...HISTORY_CACHE_CODES, 'deleted-later', 'toolchain-in-image']);

function baseImageObservation(base: BaseImage, steps: HistoryStep[]): Observation | undefined {
  const lighter = lighterBase(base, steps);
  if (!lighter) return undefined;
  return {
    finding: {
      code: 'heavy-base-image',
      message: `Built on ${lighter.from} (${base.evidence.join('; ')}); ${lighter.to} is about ${formatBytes(lighter.savedBytes)} smaller.`,
      sizeBytes: lighter.savedBytes,
      basis: 'estimated',
      historyIndex: lighter.historyIndex,
    },
    tip: {
      code: 'smaller-base',
      title: 'A heavy base image',
      historyIndex: lighter.historyIndex,
      savedBytes: lighter.savedBytes,
      basis: 'estimated',
      change: `FROM ${lighter.to}, and install only what the service needs.`,
      caveat: lighter.needsVerification ? VERIFY_CAVEAT : undefined,
    },
    countsAsBloat: false,
  };
}

function compressionRatios(input: ImageInput, layers: BlobRef[]): (layerIndex?: number) => number {
  let stored = 0;
  let files = 0;
  const perLayer = layers.map((layer) => {
    const summary = input.summaries[layer.digest];
    if (!summary || summary.sizeBytes === 0) return undefined;
    stored += layer.sizeBytes;
    files += summary.sizeBytes;
    return Math.min(1, layer.sizeBytes / summary.sizeBytes);
  });
  const overall = files > 0 ? Math.min(1, stored / files) : DEFAULT_COMPRESSION_RATIO;
  return (layerIndex) => (layerIndex === undefined ? overall : (perLayer[layerIndex] ?? overall));
}

function mergeTips(
  observations: Observation[],
  input: ImageInput,
  steps: HistoryStep[],
  ratio: (layer?: number) => number,
): Tip[] {
  const tips = new Map<string, Tip>();
  // A saving can never be more than the image stores.
  const imageStoredBytes = (input.layers ?? []).reduce((sum, layer) => sum + layer.sizeBytes, 0);
  for (const observation of observations) {
    const draft = observation.tip;
    if (!draft) continue;
    const step = draft.historyIndex === undefined ? undefined : steps[draft.historyIndex];
    const fileBytes = draft.storedBytes ? undefined : draft.savedBytes;
    const storedBytes = Math.round(
      draft.storedBytes
        ? draft.savedBytes
        : draft.savedBytes *
            (draft.basis === 'measured'
              ? ratio(observation.layerIndex)
              : DEFAULT_COMPRESSION_RATIO),
    );
    const key = `${draft.code}@${draft.historyIndex ?? ''}`;
    const existing = tips.get(key);
    if (existing) {
      existing.savedBytes = Math.min(imageStoredBytes, existing.savedBytes + storedBytes);
      if (existing.fileBytes !== undefined && fileBytes !== undefined) {
        existing.fileBytes += fileBytes;
      }
      existing.monthlyCostUsd = monthlyCostUsd(existing.savedBytes, input.pricePerGbMonthUsd);
      continue;
    }
    const savedBytes = Math.min(imageStoredBytes, storedBytes);
    tips.set(key, {
      code: draft.code,
      title: draft.title,
      repository: input.repository,
      image: input.image,
      ...(step ? { instruction: describeStep(step, 200), historyIndex: step.historyIndex } : {}),
      savedBytes,
      ...(fileBytes !== undefined ? { fileBytes } : {}),
      monthlyCostUsd: monthlyCostUsd(savedBytes, input.pricePerGbMonthUsd),
      basis: draft.basis,
      change: draft.change,
      ...(draft.caveat ? { caveat: draft.caveat } : {}),
    });
  }
  return [...tips.values()].sort(
    (a, b) =>
      b.savedBytes - a.savedBytes ||
      b.monthlyCostUsd - a.monthlyCostUsd ||
      a.code.localeCompare(b.code),
  );
}

export function analyseImage(input: ImageInput): ImageAnalysis {
  const config = parseConfig(input.config);
  const steps = historySteps(config);
  const layers = input.layers ?? [];
  const summaries = layers.map((layer) => input.summaries[layer.digest]);
  const measured = layers.length > 0 && summaries.every((summary) => summary !== undefined);
  const ratio = compressionRatios(input, layers);

  const history = historyObservations({
    steps,
    config,
    layerSizes: layers.map((layer) => layer.sizeBytes),
  });
  let observations: Observation[];
  let hiddenBytes: number | null = null;
  let duplicateBytes: number | null = null;
  let dive: DiveFigures | null = null;
  if (measured) {
    const entries = summaries.map((summary) => summary!.entries);
    const stacked = stackLayers(entries);
    hiddenBytes = stacked.hiddenBytes;
    duplicateBytes = stacked.duplicateBytes;
    dive = diveFigures(entries);
    // Contents decide what the history could only guess (a cache mount leaves no cache).
    observations = [
      ...measuredObservations(stacked, steps),
      ...history.filter((o) => !CACHE_FROM_HISTORY.has(o.finding.code)),
    ];
  } else {
    observations = history;
  }
  const baseImage = identifyBaseImage(config, steps, summaries);
  const base = baseImageObservation(baseImage, steps);
  if (base) observations.push(base);

  const basis: Basis = measured ? 'measured' : 'estimated';
  let bloatBytes: number;
  if (measured) {
    bloatBytes = observations
      .filter((o) => o.countsAsBloat && o.finding.basis === 'measured')
      .reduce((sum, o) => sum + o.finding.sizeBytes, 0);
  } else {
    // Estimates for one layer never exceed what that layer stores.
    const perLayer = new Map<number | undefined, number>();
    for (const o of observations.filter((o) => o.countsAsBloat)) {
      perLayer.set(o.layerIndex, (perLayer.get(o.layerIndex) ?? 0) + o.finding.sizeBytes);
    }
    bloatBytes = [...perLayer.entries()].reduce((sum, [layerIndex, bytes]) => {
      const cap = layerIndex === undefined ? undefined : layers[layerIndex]?.sizeBytes;
      return sum + (cap === undefined ? bytes : Math.min(bytes, cap));
    }, 0);
  }

  const storedBloatBytes = measured
    ? Math.min(
        bloatBytes,
        Math.round(
          observations
            .filter((o) => o.countsAsBloat && o.finding.basis === 'measured')
            .reduce(
              (sum, o) => sum + o.finding.sizeBytes * ratio(o.layerIndex ?? o.finding.layerIndex),
              0,
            ),
        ),
      )
    : bloatBytes;

  const findings: Finding[] = observations
    .map((o) => {
      const layerIndex = o.layerIndex ?? o.finding.layerIndex;
      const digest = layerIndex === undefined ? undefined : layers[layerIndex]?.digest;
      // A finding's size is its share of bloat bytes; advice keeps its bytes in message and tip.
      const finding = o.countsAsBloat ? o.finding : { ...o.finding, sizeBytes: 0 };
      return digest ? { ...finding, layerDigest: digest } : finding;
    })
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.code.localeCompare(b.code));
  const configBytes = input.config ? Buffer.byteLength(input.config) : 0;
  return {
    repository: input.repository,
    imageDigest: input.imageDigest,
    image: input.image,
    bloatBytes,
    basis,
    findings,
    tips: mergeTips(observations, input, steps, ratio),
    measured,
    totalBytes: layers.reduce((sum, layer) => sum + layer.sizeBytes, 0) + configBytes,
    uncompressedBytes: measured ? summaries.reduce((sum, s) => sum + s!.sizeBytes, 0) : null,
    storedBloatBytes,
    layers: layers.map((layer, layerIndex) => {
      const step = steps.find((s) => s.layerIndex === layerIndex);
      const summary = input.summaries[layer.digest];
      return {
        digest: layer.digest,
        sizeBytes: layer.sizeBytes,
        ...(summary ? { uncompressedBytes: summary.sizeBytes } : {}),
        ...(step ? { historyIndex: step.historyIndex, instruction: describeStep(step, 200) } : {}),
      };
    }),
    hiddenBytes,
    duplicateBytes,
    dive,
    baseImage,
  };
}
