/** The apply stage: the only code that deletes images or puts lifecycle policies. */
import { PutLifecyclePolicyCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { ApplyResult, Plan, PlannedDeletion } from '../model/plan';
import type { Log } from '../util/log';
import type { Store } from '../util/store';
import { AuditLog, auditKey } from './audit';
import { deleteRepositoryImages } from './delete';
import { withRetry, type RetryOptions } from './retry';

export interface ApplyOptions {
  ecr: ECRClient;
  /** Where the audit record (JSON lines) of this run goes. */
  audit: Store;
  runId: string;
  now: Date;
  maxDeletions: number;
  log: Log;
  /**
   * Record what would be done and make no mutating call at all.
   * @default false
   */
  dryRun?: boolean;
  /** Backoff for throttled calls (tests hand in a sleep that does not wait). */
  retry?: RetryOptions;
  /** Clock for audit timestamps. @default the wall clock */
  clock?: () => Date;
}

/**
 * The per-run maximum, honoured again here whatever the plan says. Deletions
 * are taken in plan order as whole units (an index with the children it
 * takes along), stopping at the first unit that would pass the maximum: ECR
 * refuses children whose index stays, and an index deleted without its
 * orphans leaves them behind.
 */
export function limitDeletions(deletions: PlannedDeletion[], max: number) {
  const byDigest = new Map(deletions.map((d) => [d.imageDigest, d]));
  const parentOf = new Map<string, string>();
  for (const d of deletions) for (const c of d.childDigests ?? []) parentOf.set(c, d.imageDigest);
  const rootOf = (digest: string, depth = 0): string => {
    const parent = parentOf.get(digest);
    return parent && byDigest.has(parent) && depth < 16 ? rootOf(parent, depth + 1) : digest;
  };
  const units = new Map<string, PlannedDeletion[]>();
  for (const d of deletions) {
    const root = rootOf(d.imageDigest);
    const unit = units.get(root);
    if (unit) unit.push(d);
    else units.set(root, [d]);
  }
  const allowed: PlannedDeletion[] = [];
  const excess: PlannedDeletion[] = [];
  for (const unit of units.values()) {
    if (excess.length === 0 && allowed.length + unit.length <= Math.max(0, max))
      allowed.push(...unit);
    else excess.push(...unit);
  }
  return { allowed, excess };
}

function byRepository(deletions: PlannedDeletion[]): Map<string, PlannedDeletion[]> {
  const groups = new Map<string, PlannedDeletion[]>();
  for (const d of deletions) {
    const group = groups.get(d.repository);
    if (group) group.push(d);
    else groups.set(d.repository, [d]);
  }
  return groups;
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const { ecr, log, runId } = options;
  const dryRun = options.dryRun ?? false;
  const audit = new AuditLog(runId, dryRun, options.clock);
  const result: ApplyResult = {
    deleted: [],
    alreadyGone: [],
    failed: [],
    policiesPut: [],
    reclaimedBytes: 0,
  };
  const key = auditKey(options.now, runId);

  try {
    const { allowed, excess } = limitDeletions(plan.deletions, options.maxDeletions);
    for (const d of excess) {
      result.failed.push({
        repository: d.repository,
        imageDigest: d.imageDigest,
        code: 'max-deletions-reached',
        message: `the maximum of ${options.maxDeletions} deletions per run was reached`,
      });
      audit.record({
        action: 'delete-image',
        outcome: 'skipped',
        repository: d.repository,
        imageDigest: d.imageDigest,
        tags: d.tags,
        reasons: d.reasons,
        code: 'max-deletions-reached',
      });
    }

    if (dryRun) {
      for (const d of allowed) {
        audit.record({
          action: 'delete-image',
          outcome: 'dry-run',
          repository: d.repository,
          imageDigest: d.imageDigest,
          tags: d.tags,
          reasons: d.reasons,
          reclaimableBytes: d.reclaimableBytes,
        });
      }
      for (const p of plan.lifecyclePolicies.filter((p) => p.action === 'put')) {
        audit.record({
          action: 'put-lifecycle-policy',
          outcome: 'dry-run',
          repository: p.repository,
          policyText: p.policyText,
          diff: p.diff,
        });
      }
      return result;
    }

    for (const [repository, deletions] of byRepository(allowed)) {
      try {
        await deleteRepositoryImages(repository, deletions, {
          ecr,
          log,
          audit,
          result,
          retry: options.retry,
        });
      } catch (error) {
        // One repository's trouble never stops the others.
        log.error('deleting images of a repository failed', {
          repository,
          error: (error as Error).message,
        });
        result.failed.push({
          repository,
          code: (error as Error).name || 'Error',
          message: (error as Error).message,
        });
      }
    }

    for (const policy of plan.lifecyclePolicies) {
      if (policy.action !== 'put' || !policy.policyText) continue;
      try {
        await withRetry(
          () =>
            ecr.send(
              new PutLifecyclePolicyCommand({
                repositoryName: policy.repository,
                lifecyclePolicyText: policy.policyText,
              }),
            ),
          options.retry,
        );
        result.policiesPut.push(policy.repository);
        audit.record({
          action: 'put-lifecycle-policy',
          outcome: 'put',
          repository: policy.repository,
          policyText: policy.policyText,
          diff: policy.diff,
        });
        log.info('lifecycle policy put', { repository: policy.repository, diff: policy.diff });
      } catch (error) {
        const code = (error as Error).name || 'Error';
        result.failed.push({
          repository: policy.repository,
          code,
          message: (error as Error).message,
        });
        audit.record({
          action: 'put-lifecycle-policy',
          outcome: 'failed',
          repository: policy.repository,
          policyText: policy.policyText,
          code,
          message: (error as Error).message,
        });
        log.error('putting a lifecycle policy failed', {
          repository: policy.repository,
          code,
          error: (error as Error).message,
        });
      }
    }
    return result;
  } finally {
    try {
      await audit.write(options.audit, key);
      log.info('audit record written', {
        runId,
        location: options.audit.locate(key),
        entries: audit.size,
      });
    } catch (error) {
      log.error('the audit record could not be written', {
        runId,
        location: options.audit.locate(key),
        error: (error as Error).message,
      });
      result.failed.push({
        repository: '*',
        code: 'AuditWriteFailed',
        message: `the audit record ${options.audit.locate(key)} could not be written: ${(error as Error).message}`,
      });
    }
  }
}
