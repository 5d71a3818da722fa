/**
 * Deleting one repository's planned images: indexes before their children
 * (ECR refuses to delete a manifest an index still lists), in batches of at
 * most 100 ids, every per-image failure read. A call that fails outright
 * stops this repository only.
 */
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import type { ApplyResult, PlannedDeletion } from '../model/plan';
import type { Log } from '../util/log';
import type { AuditLog } from './audit';
import { withRetry, type RetryOptions } from './retry';

/** BatchDeleteImage takes at most 100 image ids per call. */
export const BATCH_DELETE_LIMIT = 100;

/** Deletion levels: 0 for images no planned index lists, then their children, and so on. */
export function deletionLevels(deletions: PlannedDeletion[]): PlannedDeletion[][] {
  const parentOf = new Map<string, string>();
  for (const deletion of deletions) {
    for (const child of deletion.childDigests ?? []) parentOf.set(child, deletion.imageDigest);
  }
  const levelOf = (digest: string, depth = 0): number => {
    const parent = parentOf.get(digest);
    return parent && depth < 16 ? 1 + levelOf(parent, depth + 1) : 0;
  };
  const levels: PlannedDeletion[][] = [];
  for (const deletion of deletions) {
    const level = levelOf(deletion.imageDigest);
    (levels[level] ??= []).push(deletion);
  }
  return levels.filter(Boolean);
}

/**
 * Whether an image ECR gave no answer about is gone. Some ECR-compatible
 * endpoints leave untagged images out of the answer; asking once more is
 * the only way to know without guessing.
 */
async function confirmedGone(
  ecr: ECRClient,
  repository: string,
  imageDigest: string,
  retry: RetryOptions | undefined,
): Promise<boolean> {
  try {
    await withRetry(
      () =>
        ecr.send(
          new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest }] }),
        ),
      retry,
    );
    return false;
  } catch (error) {
    return (error as Error).name === 'ImageNotFoundException';
  }
}

export interface DeleteContext {
  ecr: ECRClient;
  log: Log;
  audit: AuditLog;
  result: ApplyResult;
  retry?: RetryOptions;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function deleteRepositoryImages(
  repository: string,
  deletions: PlannedDeletion[],
  context: DeleteContext,
): Promise<void> {
  const { ecr, log, audit, result } = context;
  const gone = new Set<string>();
  const parentOf = new Map<string, string>();
  for (const d of deletions) for (const c of d.childDigests ?? []) parentOf.set(c, d.imageDigest);

  const fail = (
    d: PlannedDeletion,
    code: string,
    message: string,
    outcome: 'failed' | 'skipped',
  ) => {
    result.failed.push({ repository, imageDigest: d.imageDigest, code, message });
    audit.record({
      action: 'delete-image',
      outcome,
      repository,
      imageDigest: d.imageDigest,
      tags: d.tags,
      reasons: d.reasons,
      reclaimableBytes: d.reclaimableBytes,
      code,
      message,
    });
  };

  const levels = deletionLevels(deletions);
  for (const [levelIndex, level] of levels.entries()) {
    const ready: PlannedDeletion[] = [];
    for (const deletion of level) {
      const parent = parentOf.get(deletion.imageDigest);
      if (parent && !gone.has(parent)) {
        fail(
          deletion,
          'ParentIndexNotDeleted',
          `its index ${parent} was not deleted, so ECR would refuse; left for a later run`,
          'skipped',
        );
      } else ready.push(deletion);
    }

    for (const [batchIndex, batch] of chunks(ready, BATCH_DELETE_LIMIT).entries()) {
      let answer;
      try {
        answer = await withRetry(
          () =>
            ecr.send(
              new BatchDeleteImageCommand({
                repositoryName: repository,
                imageIds: batch.map((d) => ({ imageDigest: d.imageDigest })),
              }),
            ),
          context.retry,
        );
      } catch (error) {
        const code = (error as Error).name || 'Error';
        const message = (error as Error).message;
        log.error('deleting images failed; the rest of this repository is left for a later run', {
          repository,
          code,
          error: message,
        });
        for (const d of batch) fail(d, code, message, 'failed');
        const rest = [
          ...ready.slice((batchIndex + 1) * BATCH_DELETE_LIMIT),
          ...levels.slice(levelIndex + 1).flat(),
        ];
        for (const d of rest)
          fail(
            d,
            'RepositorySkipped',
            `an earlier BatchDeleteImage call for ${repository} failed (${code})`,
            'skipped',
          );
        return;
      }

      const deleted = new Set((answer.imageIds ?? []).map((id) => id.imageDigest));
      const failures = new Map((answer.failures ?? []).map((f) => [f.imageId?.imageDigest, f]));
      for (const d of batch) {
        if (!deleted.has(d.imageDigest) && !failures.has(d.imageDigest)) {
          if (await confirmedGone(ecr, repository, d.imageDigest, context.retry)) {
            deleted.add(d.imageDigest);
          }
        }
      }
      for (const d of batch) {
        const failure = failures.get(d.imageDigest);
        if (deleted.has(d.imageDigest) && !failure) {
          gone.add(d.imageDigest);
          result.deleted.push({
            repository,
            imageDigest: d.imageDigest,
            tags: d.tags,
            reasons: d.reasons,
          });
          result.reclaimedBytes += d.reclaimableBytes;
          audit.record({
            action: 'delete-image',
            outcome: 'deleted',
            repository,
            imageDigest: d.imageDigest,
            tags: d.tags,
            reasons: d.reasons,
            reclaimableBytes: d.reclaimableBytes,
          });
          log.info('image deleted', {
            repository,
            imageDigest: d.imageDigest,
            reasons: d.reasons.map((r) => r.code),
          });
        } else if (failure?.failureCode === 'ImageNotFound') {
          gone.add(d.imageDigest);
          result.alreadyGone.push({ repository, imageDigest: d.imageDigest });
          audit.record({
            action: 'delete-image',
            outcome: 'already-gone',
            repository,
            imageDigest: d.imageDigest,
            tags: d.tags,
            reasons: d.reasons,
            code: 'ImageNotFound',
          });
        } else {
          const code = failure?.failureCode ?? 'NoAnswer';
          const message =
            failure?.failureReason ??
            'ECR neither reported this image deleted nor reported a failure for it, and it is still there';
          if (code === 'ImageReferencedByManifestList') {
            log.warn('image still listed by an index; not deleted', {
              repository,
              imageDigest: d.imageDigest,
              reason: message,
            });
          } else {
            log.warn('image not deleted', {
              repository,
              imageDigest: d.imageDigest,
              code,
              reason: message,
            });
          }
          fail(d, code, message, 'failed');
        }
      }
    }
  }
}
