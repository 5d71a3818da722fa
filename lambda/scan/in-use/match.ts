/**
 * Which images the in-use references point at. A reference protects the
 * image its digest names and the image its tag names: a task pinned by
 * digest runs that digest, and a new task started from a tag pulls whatever
 * the tag names now.
 */
import type { InUseReference, Inventory } from '../../model/inventory';

/** `repository` → image digest → the references that use it. */
export type InUseIndex = Map<string, Map<string, InUseReference[]>>;

export function indexInUse(inventory: Pick<Inventory, 'repositories' | 'inUse'>): InUseIndex {
  const byRepository = new Map<string, { tags: Map<string, string>; digests: Set<string> }>();
  for (const repository of inventory.repositories) {
    const tags = new Map<string, string>();
    const digests = new Set<string>();
    for (const image of repository.images) {
      digests.add(image.imageDigest);
      for (const tag of image.tags) tags.set(tag, image.imageDigest);
    }
    byRepository.set(repository.name, { tags, digests });
  }

  const index: InUseIndex = new Map();
  const mark = (repository: string, digest: string, reference: InUseReference) => {
    let images = index.get(repository);
    if (!images) index.set(repository, (images = new Map()));
    const list = images.get(digest) ?? [];
    if (!list.includes(reference)) list.push(reference);
    images.set(digest, list);
  };
  for (const reference of inventory.inUse) {
    const repository = byRepository.get(reference.repository);
    if (!repository) continue;
    if (reference.digest && repository.digests.has(reference.digest)) {
      mark(reference.repository, reference.digest, reference);
    }
    const tagged = reference.tag ? repository.tags.get(reference.tag) : undefined;
    if (tagged) mark(reference.repository, tagged, reference);
  }
  return index;
}
