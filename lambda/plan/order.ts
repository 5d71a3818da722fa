/**
 * Deletion units and their order. A unit is a set of deletions that must
 * happen together: an index with the orphaned children it takes along, an
 * image with its orphaned referrers. The per-run maximum takes whole units,
 * oldest first, so a run never deletes children without their index (ECR
 * would refuse) nor an index without its orphans (they would linger).
 */
import type { ImageRecord } from '../model/inventory';
import { newestFirst } from './graph';
import type { RepositoryPlan } from './repository';

export interface DeletionUnit {
  plan: RepositoryPlan;
  /** Digests in deletion order: indexes before their children, subjects before their referrers. */
  digests: string[];
  oldestPushedAt: number;
}

function linked(plan: RepositoryPlan, digest: string): string[] {
  const { graph } = plan;
  const subject = graph.subjectOf.get(digest);
  return [
    ...(graph.children.get(digest) ?? []),
    ...(graph.parents.get(digest) ?? []),
    ...(graph.referrers.get(digest) ?? []),
    ...(subject ? [subject] : []),
  ].filter((d) => plan.deletions.has(d));
}

/** Depth in the deletion graph: 0 for roots, one more than the deepest deleted parent or subject. */
function depthOf(plan: RepositoryPlan, digest: string, seen = new Set<string>()): number {
  if (seen.has(digest)) return 0;
  seen.add(digest);
  const { graph } = plan;
  const subject = graph.subjectOf.get(digest);
  const ups = [...(graph.parents.get(digest) ?? []), ...(subject ? [subject] : [])].filter((d) =>
    plan.deletions.has(d),
  );
  return ups.length ? 1 + Math.max(...ups.map((d) => depthOf(plan, d, seen))) : 0;
}

function oldestFirst(a: ImageRecord, b: ImageRecord): number {
  return -newestFirst(a, b);
}

export function deletionUnits(plans: RepositoryPlan[]): DeletionUnit[] {
  const units: DeletionUnit[] = [];
  for (const plan of plans) {
    const assigned = new Set<string>();
    const images = plan.deletions
      .digests()
      .map((d) => plan.graph.images.get(d) as ImageRecord)
      .sort(oldestFirst);
    for (const start of images) {
      if (assigned.has(start.imageDigest)) continue;
      const members: string[] = [];
      const queue = [start.imageDigest];
      assigned.add(start.imageDigest);
      while (queue.length) {
        const digest = queue.shift() as string;
        members.push(digest);
        for (const next of linked(plan, digest)) {
          if (!assigned.has(next)) {
            assigned.add(next);
            queue.push(next);
          }
        }
      }
      const records = members.map((d) => plan.graph.images.get(d) as ImageRecord);
      const depth = new Map(members.map((d) => [d, depthOf(plan, d)]));
      records.sort(
        (a, b) =>
          (depth.get(a.imageDigest) ?? 0) - (depth.get(b.imageDigest) ?? 0) || oldestFirst(a, b),
      );
      const times = records.map((r) => Date.parse(r.pushedAt)).filter(Number.isFinite);
      units.push({
        plan,
        digests: records.map((r) => r.imageDigest),
        oldestPushedAt: times.length ? Math.min(...times) : 0,
      });
    }
  }
  return units.sort(
    (a, b) =>
      a.oldestPushedAt - b.oldestPushedAt ||
      a.plan.repository.name.localeCompare(b.plan.repository.name) ||
      (a.digests[0] < b.digests[0] ? -1 : 1),
  );
}
