/**
 * An image reference as a workload states it, before it is matched against
 * the account: the text as written, and the digest the platform resolved it
 * to when it says so (ECS running tasks, Lambda's ResolvedImageUri).
 */
import type { InUseReference, MissingPart } from '../../model/inventory';
import { isInAccount, parseImageUri } from '../image-uri';

export interface RawReference {
  imageRef: string;
  resolvedDigest?: string;
  source: InUseReference['source'];
}

export interface WorkloadScan {
  references: RawReference[];
  missing: MissingPart[];
}

/**
 * Turns raw references into in-use references of this account and region.
 * A reference with a resolved digest gives two: one as written (its tag may
 * since have moved to a newer image, which a new task would pull) and one
 * for the digest that is really running. Duplicates are dropped.
 */
export function toInUseReferences(
  raw: readonly RawReference[],
  accountId?: string,
  region?: string,
): InUseReference[] {
  const out = new Map<string, InUseReference>();
  const add = (reference: InUseReference) => {
    const key = [
      reference.repository,
      reference.tag ?? '',
      reference.digest ?? '',
      reference.source.kind,
      reference.source.id,
    ].join('\u0000');
    if (!out.has(key)) out.set(key, reference);
  };
  for (const { imageRef, resolvedDigest, source } of raw) {
    const uri = parseImageUri(imageRef);
    if (!uri || !isInAccount(uri, accountId, region)) continue;
    const reference: InUseReference = { imageRef, repository: uri.repository, source };
    if (uri.tag) reference.tag = uri.tag;
    if (uri.digest) reference.digest = uri.digest;
    add(reference);
    if (resolvedDigest && resolvedDigest !== uri.digest) {
      add({ imageRef, repository: uri.repository, digest: resolvedDigest, source });
    }
  }
  return [...out.values()];
}
