/**
 * Manifest bodies from BatchGetImage: at most 100 ids per call, with
 * `acceptedMediaTypes` so an index comes back as the index (not one
 * platform's manifest), each body checked against its digest.
 */
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { batches, type CallLimit } from './calls';
import { ACCEPTED_MANIFEST_MEDIA_TYPES, sha256Digest } from '../model/manifest';

/** BatchGetImage takes at most this many image ids per call. */
export const MANIFESTS_PER_BATCH = 100;

export interface ManifestFailure {
  imageDigest: string;
  reason: string;
}

export interface FetchedManifests {
  manifests: Map<string, string>;
  failures: ManifestFailure[];
  calls: number;
}

/**
 * Fetches the manifests of the given digests. A failure for one image (an
 * id ECR reports in `failures`, a body that does not hash to its digest, an
 * id it silently left out) is recorded and the others go on; a failed call
 * rejects, so the caller can mark the repository as missing.
 */
export async function fetchManifests(
  ecr: ECRClient,
  repositoryName: string,
  digests: readonly string[],
  options: { registryId?: string; limit: CallLimit },
): Promise<FetchedManifests> {
  const result: FetchedManifests = { manifests: new Map(), failures: [], calls: 0 };
  await Promise.all(
    batches(digests, MANIFESTS_PER_BATCH).map((batch) =>
      options.limit(async () => {
        result.calls += 1;
        const answer = await ecr.send(
          new BatchGetImageCommand({
            repositoryName,
            registryId: options.registryId,
            imageIds: batch.map((imageDigest) => ({ imageDigest })),
            acceptedMediaTypes: ACCEPTED_MANIFEST_MEDIA_TYPES,
          }),
        );
        const answered = new Set<string>();
        for (const image of answer.images ?? []) {
          const digest = image.imageId?.imageDigest;
          if (!digest || image.imageManifest === undefined || answered.has(digest)) continue;
          answered.add(digest);
          const actual = sha256Digest(image.imageManifest);
          if (actual === digest) {
            result.manifests.set(digest, image.imageManifest);
          } else {
            result.failures.push({
              imageDigest: digest,
              reason: `manifest body hashes to ${actual}, not to its digest; the answer was altered or re-serialised, so it was not used`,
            });
          }
        }
        for (const failure of answer.failures ?? []) {
          const digest = failure.imageId?.imageDigest;
          if (!digest || answered.has(digest)) continue;
          answered.add(digest);
          result.failures.push({
            imageDigest: digest,
            reason: `BatchGetImage failed: ${failure.failureCode ?? 'unknown'}${failure.failureReason ? ` (${failure.failureReason})` : ''}`,
          });
        }
        for (const digest of batch) {
          if (!answered.has(digest)) {
            result.failures.push({
              imageDigest: digest,
              reason: 'BatchGetImage returned neither the manifest nor a failure for this image',
            });
          }
        }
      }),
    ),
  );
  return result;
}
