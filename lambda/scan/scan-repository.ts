/**
 * One repository: its images (all pages, archived included), its lifecycle
 * policy, and the manifest of every image, from the cache when known.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { MissingPart, RepositoryRecord } from '../model/inventory';
import { parseManifest } from '../model/manifest';
import type { CallLimit } from './calls';
import { listImages } from './images';
import type { ManifestCache } from './manifest-cache';
import { fetchManifests } from './manifests';
import { readLifecyclePolicy, type RepositoryListing } from './repositories';

export interface RepositoryScanContext {
  ecr: ECRClient;
  limit: CallLimit;
  cache: ManifestCache;
  /** Manifests already known in this run (any repository): a digest names the same bytes everywhere. */
  known: Record<string, string>;
  scannedAt: string;
}

export interface RepositoryScan {
  record: RepositoryRecord;
  manifests: Map<string, string>;
  missing: MissingPart[];
  fromCache: number;
  fetched: number;
  batchGetImageCalls: number;
}

/**
 * Throws when a call for the repository fails after the SDK's retries: the
 * caller then leaves the whole repository out, because half a repository
 * (say, an index without its manifest) could make its children look unused.
 */
export async function scanRepository(
  listing: RepositoryListing,
  context: RepositoryScanContext,
): Promise<RepositoryScan> {
  const { ecr, limit } = context;
  const repositoryName = listing.name;
  const registryId = listing.registryId;

  const [images, lifecyclePolicyText, cached] = await Promise.all([
    listImages(ecr, repositoryName, { registryId, scannedAt: context.scannedAt, limit }),
    limit(() => readLifecyclePolicy(ecr, repositoryName, registryId)),
    context.cache.load(repositoryName),
  ]);

  const manifests = new Map<string, string>();
  const toFetch: string[] = [];
  for (const image of images) {
    const body = cached.get(image.imageDigest) ?? context.known[image.imageDigest];
    if (body !== undefined) manifests.set(image.imageDigest, body);
    else toFetch.push(image.imageDigest);
  }
  const fromCache = manifests.size;
  const fetched = await fetchManifests(ecr, repositoryName, toFetch, { registryId, limit });
  for (const [digest, body] of fetched.manifests) manifests.set(digest, body);

  const missing: MissingPart[] = fetched.failures.map((failure) => ({
    repository: repositoryName,
    what: 'manifest',
    imageDigest: failure.imageDigest,
    reason: failure.reason,
  }));

  // ECR gives subjectManifestDigest only for some referrers; the OCI
  // `subject` field in the manifest is the authority.
  for (const image of images) {
    const body = manifests.get(image.imageDigest);
    if (image.subjectDigest || body === undefined) continue;
    try {
      const subject = parseManifest(body, image.imageDigest).subjectDigest;
      if (subject) image.subjectDigest = subject;
    } catch {
      // An unparseable manifest is the accounting's concern; it falls back to the reported size.
    }
  }

  await context.cache.save(repositoryName, manifests, cached);

  const record: RepositoryRecord = { name: repositoryName, images };
  if (listing.arn) record.arn = listing.arn;
  if (listing.uri) record.uri = listing.uri;
  if (listing.createdAt) record.createdAt = listing.createdAt;
  if (lifecyclePolicyText !== undefined) record.lifecyclePolicyText = lifecyclePolicyText;
  return {
    record,
    manifests,
    missing,
    fromCache,
    fetched: fetched.manifests.size,
    batchGetImageCalls: fetched.calls,
  };
}
