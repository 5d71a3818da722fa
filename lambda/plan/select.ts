/**
 * Settles what is deleted and what is kept in one repository, to a fixed
 * point: a kept index keeps its children, a kept image keeps its referrers,
 * and a deleted index takes along the children no kept index lists (and a
 * deleted image its referrers). Each step can only move images from
 * "deleted" to "protected" or add orphans that nothing protects, so the loop
 * ends after at most two passes per image.
 */
import type { Reason } from '../model/plan';
import { describeImage, type ImageGraph } from './graph';
import { ReasonBook } from './protect';
import { ageDays } from './rules';

export interface Settled {
  /** Images to delete, with their reasons. */
  deletions: ReasonBook;
  /** Protected images, each with all of its reasons. */
  protections: ReasonBook;
}

function childReason(graph: ImageGraph, child: string, parent: string): Reason {
  const what = graph.attestations.has(child) ? 'attestation manifest' : 'child';
  return {
    code: 'index-child',
    detail: `${what} of kept index ${describeImage(graph.images.get(parent), parent)}`,
  };
}

function referrerReason(graph: ImageGraph, referrer: string, subject: string): Reason {
  const kind = graph.images.get(referrer)?.artifactMediaType ?? 'referrer';
  return {
    code: 'referrer',
    detail: `${kind} of kept image ${describeImage(graph.images.get(subject), subject)}`,
  };
}

/**
 * A referrer whose subject is absent is only judged orphaned after a day:
 * OCI allows pushing a signature before the image it signs.
 */
const ABSENT_SUBJECT_GRACE_DAYS = 1;

function addOrphans(
  graph: ImageGraph,
  deletions: ReasonBook,
  protections: ReasonBook,
  now: Date,
): boolean {
  let changed = false;
  for (const index of deletions.digests()) {
    for (const child of graph.children.get(index) ?? []) {
      if (protections.has(child)) continue;
      const parents = graph.parents.get(child) ?? [];
      if (!parents.every((parent) => deletions.has(parent))) continue;
      if (!deletions.has(child)) changed = true;
      deletions.add(child, {
        code: 'orphaned-child',
        detail: `${graph.attestations.has(child) ? 'attestation manifest' : 'child'} of index ${describeImage(graph.images.get(index), index)}, which is deleted in this run and no kept index lists it`,
      });
    }
  }
  for (const [referrer, subject] of graph.subjectOf) {
    if (protections.has(referrer) || !graph.images.has(referrer)) continue;
    const gone = !graph.images.has(subject);
    if (!gone && !deletions.has(subject)) continue;
    if (
      gone &&
      !((ageDays(graph.images.get(referrer)?.pushedAt, now) ?? 0) > ABSENT_SUBJECT_GRACE_DAYS)
    ) {
      continue;
    }
    if (!deletions.has(referrer)) changed = true;
    deletions.add(referrer, {
      code: 'orphaned-referrer',
      detail: gone
        ? `refers to ${describeImage(undefined, subject)}, which is no longer in the repository`
        : `refers to ${describeImage(graph.images.get(subject), subject)}, which is deleted in this run`,
    });
  }
  return changed;
}

function keepDependants(graph: ImageGraph, deletions: ReasonBook, protections: ReasonBook) {
  let changed = false;
  for (const digest of deletions.digests()) {
    const keptParent = (graph.parents.get(digest) ?? []).find((p) => !deletions.has(p));
    const subject = graph.subjectOf.get(digest);
    const keptSubject = subject && graph.images.has(subject) && !deletions.has(subject);
    if (!keptParent && !keptSubject) continue;
    if (keptParent) protections.add(digest, childReason(graph, digest, keptParent));
    if (keptSubject) protections.add(digest, referrerReason(graph, digest, subject));
    deletions.delete(digest);
    changed = true;
  }
  return changed;
}

export function settle(
  graph: ImageGraph,
  seeded: ReasonBook,
  selected: ReasonBook,
  now: Date,
): Settled {
  const protections = new ReasonBook();
  for (const digest of seeded.digests()) {
    for (const reason of seeded.get(digest)) protections.add(digest, reason);
  }
  const deletions = new ReasonBook();
  for (const digest of selected.digests()) {
    for (const reason of selected.get(digest)) deletions.add(digest, reason);
  }

  let changed = true;
  while (changed) {
    const orphaned = addOrphans(graph, deletions, protections, now);
    const kept = keepDependants(graph, deletions, protections);
    changed = orphaned || kept;
  }

  // Every kept child and referrer is listed with every reason that keeps it,
  // including those no rule selected and those already protected otherwise.
  for (const digest of graph.images.keys()) {
    if (deletions.has(digest)) continue;
    for (const parent of graph.parents.get(digest) ?? []) {
      if (!deletions.has(parent)) protections.add(digest, childReason(graph, digest, parent));
    }
    const subject = graph.subjectOf.get(digest);
    if (subject && graph.images.has(subject) && !deletions.has(subject)) {
      protections.add(digest, referrerReason(graph, digest, subject));
    }
  }
  return { deletions, protections };
}
