/**
 * The protections that hold before any rule is looked at: images in use
 * (by tag or by digest), images named by an external reference, and images
 * with a protected tag. Protections that depend on what is kept (children
 * of kept indexes, referrers of kept images) are worked out in select.ts.
 */
import type { InUseReference, InUseSourceKind } from '../model/inventory';
import type { Reason } from '../model/plan';
import { matchesPattern } from '../util/pattern';
import { describeImage, type ImageGraph } from './graph';

const SOURCE_LABELS: Record<InUseSourceKind, string> = {
  'ecs-service': 'ECS service',
  'ecs-running-task': 'running ECS task',
  'ecs-scheduled-task': 'scheduled ECS task',
  'ecs-task-definition': 'ECS task definition',
  'lambda-function': 'Lambda function',
  external: 'external reference',
};

/** Reasons by image digest; an image can collect several. */
export class ReasonBook {
  private readonly reasons = new Map<string, Reason[]>();

  add(digest: string, reason: Reason): void {
    const list = this.reasons.get(digest);
    if (!list) this.reasons.set(digest, [reason]);
    else if (!list.some((r) => r.code === reason.code && r.detail === reason.detail)) {
      list.push(reason);
    }
  }

  has(digest: string): boolean {
    return this.reasons.has(digest);
  }

  get(digest: string): Reason[] {
    return this.reasons.get(digest) ?? [];
  }

  delete(digest: string): void {
    this.reasons.delete(digest);
  }

  digests(): string[] {
    return [...this.reasons.keys()];
  }
}

/**
 * Splits an image reference (`registry/repo:tag`, `repo@sha256:…`,
 * `repo:tag@sha256:…`) into repository, tag and digest. The registry host is
 * recognised by a `.` or `:` in the first path part, as Docker does.
 */
export function parseImageReference(ref: string): {
  repository: string;
  tag?: string;
  digest?: string;
} {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  if (parts.length > 1 && /[.:]/.test(parts[0])) parts.shift();
  return { repository: parts.join('/'), tag: tag || undefined, digest };
}

function inUseReason(reference: InUseReference, byDigest: boolean): Reason {
  const how = byDigest ? 'by digest' : `by tag ${reference.tag}`;
  const label = SOURCE_LABELS[reference.source.kind] ?? reference.source.kind;
  return {
    code: reference.source.kind === 'external' ? 'external-reference' : 'in-use',
    detail: `${label} ${reference.source.id}, ${how}`,
  };
}

/**
 * In-use and external references of this repository: the scan's references,
 * plus the configured external references (so a snapshot taken without
 * them is still safe).
 */
export function referencesFor(
  repository: string,
  inUse: InUseReference[],
  externalReferences: string[],
): InUseReference[] {
  const configured = externalReferences.map((imageRef): InUseReference => {
    const parsed = parseImageReference(imageRef);
    return {
      imageRef,
      repository: parsed.repository,
      tag: parsed.tag,
      digest: parsed.digest,
      source: { kind: 'external', id: imageRef },
    };
  });
  // A reference written with its registry host still names this repository.
  return [...inUse, ...configured].filter(
    (reference) =>
      reference.repository === repository ||
      parseImageReference(reference.imageRef).repository === repository,
  );
}

/** Seeds protection from in-use references, external references and protected tags. */
export function seedProtections(
  graph: ImageGraph,
  references: InUseReference[],
  protectTags: string[],
): { book: ReasonBook; inUse: Set<string> } {
  const book = new ReasonBook();
  const inUse = new Set<string>();

  // A reference with both a tag and a resolved digest protects both images
  // when the tag has moved since: the workload runs the digest, and its next
  // deployment will pull the tag.
  for (const reference of references) {
    const targets: [string, boolean][] = [];
    if (reference.digest && graph.images.has(reference.digest)) {
      targets.push([reference.digest, true]);
    }
    const tagged = reference.tag ? graph.byTag.get(reference.tag) : undefined;
    if (tagged && tagged !== reference.digest) targets.push([tagged, false]);
    for (const [digest, byDigest] of targets) {
      book.add(digest, inUseReason(reference, byDigest));
      inUse.add(digest);
    }
  }

  for (const [digest, image] of graph.images) {
    for (const tag of image.tags) {
      const pattern = protectTags.find((p) => matchesPattern(tag, p));
      if (pattern) {
        book.add(digest, {
          code: 'protected-tag',
          detail: `tag ${tag} matches protected pattern ${pattern}`,
        });
      }
    }
  }

  // An index holding an in-use image stays too: the workload may have
  // resolved it through the index's tag, and keeping the index keeps every
  // sibling platform the workload may be scheduled on.
  const queue = [...inUse];
  while (queue.length) {
    const digest = queue.shift() as string;
    for (const parent of graph.parents.get(digest) ?? []) {
      const first = book.get(digest)[0];
      book.add(parent, {
        code: first?.code === 'external-reference' ? 'external-reference' : 'in-use',
        detail: `index holding ${describeImage(graph.images.get(digest), digest)}, which is in use (${first?.detail})`,
      });
      if (!inUse.has(parent)) {
        inUse.add(parent);
        queue.push(parent);
      }
    }
  }
  return { book, inUse };
}
