/** The plan stage: protections first, then rules, lifecycle policy evaluation and diff. */
import { ManifestIndex } from '../analyse/accounting';
import type { JanitorConfig } from '../config/schema';
import type { Warning } from '../model/digest';
import { isAnalysisGap, type Inventory, type MissingPart } from '../model/inventory';
import type { PlannedDeletion, Plan, ProtectedImage } from '../model/plan';
import { newestFirst } from './graph';
import { deletionUnits, type DeletionUnit } from './order';
import { planRepository, type RepositoryPlan } from './repository';

function describeMissing(parts: MissingPart[]): string {
  return `the scan could not read ${parts.map((p) => `${p.what} (${p.reason})`).join(', ')}`;
}

/** Keeps whole units, oldest first, up to the maximum; the rest is reported and left. */
function capUnits(units: DeletionUnit[], max: number) {
  const allowed: DeletionUnit[] = [];
  const excess: DeletionUnit[] = [];
  let count = 0;
  for (const unit of units) {
    if (excess.length === 0 && count + unit.digests.length <= max) {
      allowed.push(unit);
      count += unit.digests.length;
    } else excess.push(unit);
  }
  return { allowed, excess };
}

/**
 * Bytes each deletion frees. A blob is freed when every image of the
 * repository that uses it is deleted; it is counted once, on the first
 * deletion in plan order that uses it.
 */
function attributeBytes(plan: RepositoryPlan, digests: string[]): Map<string, number> {
  const deleting = new Set(digests);
  const users = new Map<string, number>();
  const deletedUsers = new Map<string, number>();
  for (const digest of plan.graph.images.keys()) {
    for (const blob of plan.blobs.blobsOf(digest).keys()) {
      users.set(blob, (users.get(blob) ?? 0) + 1);
      if (deleting.has(digest)) deletedUsers.set(blob, (deletedUsers.get(blob) ?? 0) + 1);
    }
  }
  const counted = new Set<string>();
  const bytes = new Map<string, number>();
  for (const digest of digests) {
    let total = 0;
    for (const [blob, size] of plan.blobs.blobsOf(digest)) {
      if (counted.has(blob) || deletedUsers.get(blob) !== users.get(blob)) continue;
      counted.add(blob);
      total += size;
    }
    bytes.set(digest, total);
  }
  return bytes;
}

/** Pure: the same inventory, configuration and instant always give the same plan. */
export function buildPlan(
  inventory: Inventory,
  config: JanitorConfig,
  now: Date,
): { plan: Plan; warnings: Warning[] } {
  const manifests = new ManifestIndex(inventory.manifests);
  // Missing images, manifests or workloads might hide a reference.
  const blocking = inventory.missing.filter((part) => !isAnalysisGap(part));
  const workloadGaps = blocking.filter((p) => !p.repository);
  const repositories = [...inventory.repositories].sort((a, b) => a.name.localeCompare(b.name));

  const plans = repositories.map((repository) => {
    const gaps = [...workloadGaps, ...blocking.filter((p) => p.repository === repository.name)];
    return planRepository(repository, {
      config,
      manifests,
      inUse: inventory.inUse,
      now,
      incomplete: gaps.length ? describeMissing(gaps) : undefined,
    });
  });
  const warnings = plans.flatMap((p) => p.warnings);

  const { allowed, excess } = capUnits(deletionUnits(plans), config.maxDeletionsPerRun);
  const max = config.maxDeletionsPerRun;
  for (const unit of excess) {
    for (const digest of unit.digests) {
      const codes = unit.plan.deletions.get(digest).map((r) => r.code);
      unit.plan.protections.add(digest, {
        code: 'max-deletions-reached',
        detail: `would be deleted (${codes.join(', ')}), but this run's maximum of ${max} deletions was reached; a later run deletes it`,
      });
    }
  }
  if (excess.length) {
    const left = excess.reduce((n, u) => n + u.digests.length, 0);
    warnings.push({
      code: 'max-deletions-reached',
      message: `${left} image(s) due for deletion were left for a later run: the maximum of ${max} deletions per run was reached.`,
    });
  }

  const deletions: PlannedDeletion[] = [];
  const byRepository = new Map<RepositoryPlan, string[]>();
  for (const unit of allowed) {
    const digests = byRepository.get(unit.plan);
    if (digests) digests.push(...unit.digests);
    else byRepository.set(unit.plan, [...unit.digests]);
  }
  const bytes = new Map<RepositoryPlan, Map<string, number>>();
  for (const [plan, digests] of byRepository) bytes.set(plan, attributeBytes(plan, digests));
  const plannedSets = new Map([...byRepository].map(([plan, digests]) => [plan, new Set(digests)]));
  for (const unit of allowed) {
    const planned = plannedSets.get(unit.plan) as Set<string>;
    for (const digest of unit.digests) {
      const children = (unit.plan.graph.children.get(digest) ?? []).filter((c) => planned.has(c));
      deletions.push({
        repository: unit.plan.repository.name,
        imageDigest: digest,
        tags: unit.plan.graph.images.get(digest)?.tags ?? [],
        reasons: unit.plan.deletions.get(digest),
        reclaimableBytes: bytes.get(unit.plan)?.get(digest) ?? 0,
        ...(children.length ? { childDigests: children } : {}),
      });
    }
  }

  const protectedImages: ProtectedImage[] = [];
  for (const plan of plans) {
    const images = [...plan.graph.images.values()].sort(newestFirst);
    for (const image of images) {
      if (!plan.protections.has(image.imageDigest)) continue;
      protectedImages.push({
        repository: plan.repository.name,
        imageDigest: image.imageDigest,
        tags: image.tags,
        reasons: plan.protections.get(image.imageDigest),
      });
    }
  }

  return {
    plan: {
      deletions,
      protected: protectedImages,
      lifecyclePolicies: plans.flatMap((p) => (p.policy ? [p.policy] : [])),
      nativePolicyPreview: plans.flatMap((p) => (p.preview ? [p.preview] : [])),
    },
    warnings,
  };
}
