/** Builds the digest model from a run's results. Pure. */
import { ManifestIndex, monthlyCostUsd, RepositoryBlobs } from '../analyse/accounting';
import type { JanitorConfig } from '../config/schema';
import type { ImageBloat } from '../model/bloat';
import type { Digest, RepositoryDigest, Tip, Totals, Warning } from '../model/digest';
import {
  isAnalysisGap,
  type Inventory,
  type MissingPart,
  type RepositoryRecord,
} from '../model/inventory';
import type { ApplyResult, Plan } from '../model/plan';
import { safeBytes } from './format';
import { repositoryBloatBytes } from './repository-bloat';

/** The small summary of a run kept for the next run's trend. */
export interface RunSummary {
  generatedAt: string;
  storedBytes: number;
  wastedBytes: number;
  repositories: Record<string, { storedBytes: number; wastedBytes: number }>;
}

export interface DigestInput {
  inventory: Inventory;
  config: JanitorConfig;
  plan: Plan;
  applied?: ApplyResult;
  bloat: ImageBloat[];
  warnings: Warning[];
  dryRun: boolean;
  now: Date;
  generatedAt: Date;
  previous?: RunSummary;
}

/** Missing parts named in the partial-run banner; the rest are counted. */
const MISSING_NAMED = 10;

export function buildDigest(input: DigestInput): Digest {
  const { inventory, config, plan } = input;
  const price = config.pricePerGbMonthUsd;
  const manifests = new ManifestIndex(inventory.manifests);
  const bloatByRepository = groupBy(input.bloat, (image) => image.repository);
  const deletionsByRepository = groupBy(plan.deletions, (deletion) => deletion.repository);
  const protectedByRepository = groupBy(plan.protected, (image) => image.repository);

  const analysed = { bytes: 0, storedBytes: 0 };
  const repositories = inventory.repositories.map((repository) => {
    const figures = repositoryFigures(repository, {
      manifests,
      inventory,
      price,
      bloat: bloatByRepository.get(repository.name) ?? [],
      deleting: new Set(
        (deletionsByRepository.get(repository.name) ?? []).map((d) => d.imageDigest),
      ),
      protectedCount: protectedByRepository.get(repository.name)?.length ?? 0,
      previousStoredBytes: input.previous?.repositories?.[repository.name]?.storedBytes,
    });
    analysed.bytes += figures.analysedBytes;
    analysed.storedBytes += figures.digest.storedBytes;
    return figures.digest;
  });
  repositories.sort(byWastedBytes);

  const totals = sumTotals(repositories, plan, input.applied, price);
  const warnings = [...input.warnings];
  const scanGaps = inventory.missing.filter((part) => !isAnalysisGap(part));
  const analysisGaps = inventory.missing.filter(isAnalysisGap);
  if (analysisGaps.length > 0) warnings.unshift(analysisGapWarning(analysisGaps));
  if (scanGaps.length > 0) warnings.unshift(partialRunWarning(scanGaps));

  return {
    generatedAt: input.generatedAt.toISOString(),
    now: input.now.toISOString(),
    dryRun: input.dryRun,
    partial: scanGaps.length > 0,
    accountId: inventory.accountId,
    region: inventory.region,
    pricePerGbMonthUsd: price,
    totals,
    repositories,
    plan,
    applied: input.applied,
    trend: trendAgainst(input.previous, totals),
    analysedShare: share(analysed.bytes, analysed.storedBytes),
    warnings,
  };
}

/** What the next run needs to show growth: totals and per-repository figures. */
export function summariseRun(digest: Digest): RunSummary {
  return {
    generatedAt: digest.generatedAt,
    storedBytes: digest.totals.storedBytes,
    wastedBytes: digest.totals.wastedBytes,
    repositories: Object.fromEntries(
      digest.repositories.map((r) => [
        r.name,
        { storedBytes: r.storedBytes, wastedBytes: r.wastedBytes },
      ]),
    ),
  };
}

interface RepositoryContext {
  manifests: ManifestIndex;
  inventory: Inventory;
  price: number;
  bloat: ImageBloat[];
  deleting: Set<string>;
  protectedCount: number;
  previousStoredBytes?: number;
}

function repositoryFigures(
  repository: RepositoryRecord,
  context: RepositoryContext,
): { digest: RepositoryDigest; analysedBytes: number } {
  const blobs = new RepositoryBlobs(repository, context.manifests);
  const storedBytes = blobs.storedBytes;
  const listed = new Set(repository.images.map((image) => image.imageDigest));
  const deleting = [...context.deleting].filter((digest) => listed.has(digest));
  const reclaimableBytes = blobs.reclaimableBytes(deleting);

  const kept = context.bloat.filter(
    (image) => listed.has(image.imageDigest) && !context.deleting.has(image.imageDigest),
  );
  // Bloat lives in blobs that stay, so it can never exceed what stays stored.
  const bloatBytes = Math.min(
    repositoryBloatBytes(kept, context.manifests),
    storedBytes - reclaimableBytes,
  );
  const wastedBytes = reclaimableBytes + bloatBytes;

  let analysedBytes = 0;
  const seen = new Set<string>();
  for (const image of repository.images) {
    for (const [blob, size] of blobs.blobsOf(image.imageDigest)) {
      if (seen.has(blob)) continue;
      seen.add(blob);
      if (context.inventory.layerSummaries[blob]) analysedBytes += size;
    }
  }

  const previous = context.previousStoredBytes;
  return {
    analysedBytes,
    digest: {
      name: repository.name,
      imageCount: repository.images.length,
      storedBytes,
      reclaimableBytes,
      bloatBytes,
      wastedBytes,
      monthlyCostUsd: monthlyCostUsd(storedBytes, context.price),
      wastedMonthlyCostUsd: monthlyCostUsd(wastedBytes, context.price),
      ...(Number.isFinite(previous)
        ? { storedBytesChange: storedBytes - safeBytes(previous) }
        : {}),
      analysedShare: share(analysedBytes, storedBytes),
      deletionCount: deleting.length,
      protectedCount: context.protectedCount,
      tips: bestTips(kept),
    },
  };
}

/**
 * Tips of the images that stay, largest saving first. Ten tags built from
 * one Dockerfile give the same tip ten times; it is shown once, for the
 * image where it saves the most.
 */
function bestTips(kept: ImageBloat[]): Tip[] {
  const best = new Map<string, Tip>();
  for (const image of kept) {
    for (const tip of image.tips) {
      const key = `${tip.code}\u0000${tip.instruction ?? tip.title}`;
      const current = best.get(key);
      if (!current || safeBytes(tip.savedBytes) > safeBytes(current.savedBytes)) best.set(key, tip);
    }
  }
  return [...best.values()].sort(
    (a, b) => safeBytes(b.savedBytes) - safeBytes(a.savedBytes) || a.image.localeCompare(b.image),
  );
}

function byWastedBytes(a: RepositoryDigest, b: RepositoryDigest): number {
  return (
    b.wastedBytes - a.wastedBytes || b.storedBytes - a.storedBytes || a.name.localeCompare(b.name)
  );
}

function sumTotals(
  repositories: RepositoryDigest[],
  plan: Plan,
  applied: ApplyResult | undefined,
  price: number,
): Totals {
  const sum = (pick: (r: RepositoryDigest) => number) =>
    repositories.reduce((total, r) => total + pick(r), 0);
  const storedBytes = sum((r) => r.storedBytes);
  const wastedBytes = sum((r) => r.wastedBytes);
  return {
    repositoryCount: repositories.length,
    imageCount: sum((r) => r.imageCount),
    storedBytes,
    reclaimableBytes: sum((r) => r.reclaimableBytes),
    bloatBytes: sum((r) => r.bloatBytes),
    wastedBytes,
    // From the summed bytes, not the rounded per-repository amounts.
    monthlyCostUsd: monthlyCostUsd(storedBytes, price),
    wastedMonthlyCostUsd: monthlyCostUsd(wastedBytes, price),
    proposedDeletionCount: plan.deletions.length,
    deletedCount: applied?.deleted.length ?? 0,
    protectedCount: plan.protected.length,
  };
}

function trendAgainst(previous: RunSummary | undefined, totals: Totals): Digest['trend'] {
  if (!previous || !Number.isFinite(previous.storedBytes)) return undefined;
  return {
    previousRunAt: String(previous.generatedAt),
    storedBytesChange: totals.storedBytes - safeBytes(previous.storedBytes),
    wastedBytesChange: totals.wastedBytes - safeBytes(previous.wastedBytes),
  };
}

function partialRunWarning(missing: MissingPart[]): Warning {
  const named = missing
    .slice(0, MISSING_NAMED)
    .map((part) => `${part.repository ? `${part.repository} ` : ''}${part.what} (${part.reason})`);
  const more = missing.length > MISSING_NAMED ? ` and ${missing.length - MISSING_NAMED} more` : '';
  return {
    code: 'partial-run',
    message: `Could not read ${named.join('; ')}${more}. The figures leave these out.`,
  };
}

/**
 * Layers or configs that could not be read leave bloat to the history
 * estimate; stored and reclaimable bytes are unaffected. Repeated reasons
 * (one registry error for every layer) are said once, with a count.
 */
function analysisGapWarning(gaps: MissingPart[]): Warning {
  const byReason = groupBy(gaps, (part) => part.reason);
  const reasons = [...byReason.entries()]
    .slice(0, 3)
    .map(([reason, parts]) => `${parts.length} × ${reason}`);
  const more = byReason.size > 3 ? ` and ${byReason.size - 3} other reasons` : '';
  return {
    code: 'analysis-incomplete',
    message: `Could not read ${gaps.length} layer or config blob${gaps.length === 1 ? '' : 's'} for bloat analysis: ${reasons.join('; ')}${more}. Bloat for those images is estimated from their history; stored and reclaimable bytes are complete.`,
  };
}

/** `part / whole` in 0..1; 0 when there is nothing to divide. */
function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 0;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
