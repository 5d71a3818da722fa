/**
 * The image graph of one repository, as a pure function of the inventory:
 * which index holds which children (from the parsed index bodies), which
 * artifact refers to which image (OCI `subject`), and which tag names which
 * digest. Protections and orphan rules walk these edges.
 */
import type { ManifestIndex } from '../analyse/accounting';
import type { ImageRecord, RepositoryRecord } from '../model/inventory';
import { MEDIA_TYPES } from '../model/manifest';

const INDEX_MEDIA_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const IMAGE_MEDIA_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export interface ImageGraph {
  repository: string;
  images: Map<string, ImageRecord>;
  /** Index digest → digests of the children it lists that are present in the repository. */
  children: Map<string, string[]>;
  /** Child digest → digests of the indexes present that list it. */
  parents: Map<string, string[]>;
  /** Subject digest → digests of the referrers present (signatures, SBOMs, attestations). */
  referrers: Map<string, string[]>;
  /** Referrer digest → its subject digest, present or not. */
  subjectOf: Map<string, string>;
  /** Tag → digest. */
  byTag: Map<string, string>;
  indexes: Set<string>;
  /** Index children that are BuildKit attestation manifests. */
  attestations: Set<string>;
  /**
   * Images whose manifest body was not read and whose media type does not
   * rule out an index: their children (if any) are unknown.
   */
  unreadManifests: string[];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

export function buildImageGraph(
  repository: RepositoryRecord,
  manifests: ManifestIndex,
): ImageGraph {
  const graph: ImageGraph = {
    repository: repository.name,
    images: new Map(repository.images.map((image) => [image.imageDigest, image])),
    children: new Map(),
    parents: new Map(),
    referrers: new Map(),
    subjectOf: new Map(),
    byTag: new Map(),
    indexes: new Set(),
    attestations: new Set(),
    unreadManifests: [],
  };

  for (const image of repository.images) {
    for (const tag of image.tags) graph.byTag.set(tag, image.imageDigest);
    const manifest = manifests.get(image.imageDigest);
    if (!manifest && !IMAGE_MEDIA_TYPES.has(image.manifestMediaType)) {
      graph.unreadManifests.push(image.imageDigest);
    }
    if (manifest?.kind === 'index' || INDEX_MEDIA_TYPES.has(image.manifestMediaType)) {
      graph.indexes.add(image.imageDigest);
    }
    for (const child of manifest?.children ?? []) {
      if (child.attestation) graph.attestations.add(child.digest);
      if (!graph.images.has(child.digest)) continue;
      push(graph.children, image.imageDigest, child.digest);
      push(graph.parents, child.digest, image.imageDigest);
    }
    const subject = manifest?.subjectDigest ?? image.subjectDigest;
    if (subject && subject !== image.imageDigest) {
      graph.subjectOf.set(image.imageDigest, subject);
      push(graph.referrers, subject, image.imageDigest);
    }
  }
  return graph;
}

/** Newest first by push time; equal push times fall back to the digest, so the order is stable. */
export function newestFirst(a: ImageRecord, b: ImageRecord): number {
  const byTime = Date.parse(b.pushedAt) - Date.parse(a.pushedAt);
  if (byTime !== 0 && Number.isFinite(byTime)) return byTime;
  return a.imageDigest < b.imageDigest ? -1 : a.imageDigest > b.imageDigest ? 1 : 0;
}

/** Short form of a digest for human sentences. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** "sha256 abc123… (tags v1, v2)" or "abc123… (untagged)", for human sentences. */
export function describeImage(image: ImageRecord | undefined, digest: string): string {
  const tags = image?.tags.length ? `tag ${image.tags.join(', ')}` : 'untagged';
  return `${shortDigest(digest)} (${tags})`;
}
