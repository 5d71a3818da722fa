/**
 * One run of the janitor: scan (or load a snapshot), plan, analyse, apply
 * when enforcing, and build the digest. The Lambda handler and the CLI both
 * call this; delivering the digest is the caller's step, so a failed
 * delivery can never undo or block a cleanup.
 */
import { createHash, randomUUID } from 'node:crypto';
import { analyseBloat, summariseLayers, type BlobSource } from './analyse/bloat';
import { applyPlan } from './apply';
import type { JanitorConfig } from './config/schema';
import { buildDigest, summariseRun, type RunSummary } from './digest/build';
import { JanitorError } from './errors';
import type { Digest, Warning } from './model/digest';
import type { Inventory } from './model/inventory';
import type { ApplyResult } from './model/plan';
import { buildPlan } from './plan';
import { scanAccount, type ScanClients } from './scan/scan-account';
import { loadSnapshot, saveSnapshot } from './scan/snapshot';
import type { Log } from './util/log';
import { inScope } from './util/pattern';
import type { Store } from './util/store';

export interface RunRequest {
  config: JanitorConfig;
  /** Nothing is changed unless this is false. */
  dryRun: boolean;
  /**
   * The instant ages are judged at. Default: the scan time of the snapshot
   * when reading one (so a report reproduces exactly), else the current time.
   */
  now?: Date;
  /** Read the inventory from this snapshot file instead of AWS. */
  snapshotFile?: string;
  /** Save the inventory to this file. */
  saveSnapshotFile?: string;
}

export interface RunDeps {
  /** AWS clients; needed unless the inventory comes from a snapshot and nothing is applied. */
  clients?: ScanClients;
  /** Where layer blobs are read from; without one, bloat is judged from history alone. */
  blobSource?: BlobSource;
  /** Manifest and layer-summary caches. */
  cache: Store;
  /** Run summaries (for the trend) and the audit log. */
  state: Store;
  log: Log;
  progress?: (message: string) => void;
  /** Milliseconds left for the run (Lambda context, or the CLI's --time-budget). */
  remainingTimeMs?: () => number;
  runId?: string;
}

export interface RunOutcome {
  runId: string;
  digest: Digest;
  inventory: Inventory;
}

function limitToScope(inventory: Inventory, config: JanitorConfig): Inventory {
  return {
    ...inventory,
    repositories: inventory.repositories.filter((repository) =>
      inScope(repository.name, config.repositories, config.excludeRepositories),
    ),
  };
}

/**
 * Where the run summary for the trend lives. Runs over another repository
 * scope keep their own summary, so narrowing the scope never reads as
 * storage freed.
 */
export function summaryKey(inventory: Inventory, config: JanitorConfig): string {
  const base = `runs/${inventory.accountId ?? 'unknown-account'}/${inventory.region ?? 'unknown-region'}`;
  const everything =
    config.repositories.length === 1 &&
    config.repositories[0] === '*' &&
    config.excludeRepositories.length === 0;
  if (everything) return `${base}/latest.json`;
  const scope = createHash('sha256')
    .update(JSON.stringify([config.repositories, config.excludeRepositories]))
    .digest('hex')
    .slice(0, 12);
  return `${base}/scope-${scope}/latest.json`;
}

async function readPrevious(state: Store, key: string, log: Log): Promise<RunSummary | undefined> {
  try {
    const text = await state.get(key);
    return text ? (JSON.parse(text) as RunSummary) : undefined;
  } catch (error) {
    log.warn('previous run summary unreadable; no trend this run', {
      key,
      error: (error as Error).message,
    });
    return undefined;
  }
}

export async function runJanitor(request: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  const { config } = request;
  const runId = deps.runId ?? randomUUID();
  const log = deps.log;
  const warnings: Warning[] = [];
  if (!request.dryRun && !deps.clients) {
    throw new JanitorError('applying a plan needs AWS clients; run without a snapshot to enforce');
  }

  const inventory = limitToScope(
    request.snapshotFile
      ? await loadSnapshot(request.snapshotFile)
      : await scanAccount(requireClients(deps.clients), {
          repositoryPatterns: config.repositories,
          excludePatterns: config.excludeRepositories,
          externalReferences: config.externalReferences,
          activeTaskDefinitions: config.protectActiveTaskDefinitions,
          manifestCache: deps.cache,
          remainingTimeMs: deps.remainingTimeMs,
          log,
          progress: deps.progress,
          now: () => new Date(),
        }),
    config,
  );

  const now = request.now ?? (request.snapshotFile ? new Date(inventory.scannedAt) : new Date());
  const { plan, warnings: planWarnings } = buildPlan(inventory, config, now);
  warnings.push(...planWarnings);

  if (deps.blobSource && !request.snapshotFile) {
    const deleting = new Set(plan.deletions.map((d) => `${d.repository}@${d.imageDigest}`));
    await summariseLayers(inventory, deps.blobSource, {
      byteBudget: config.analysis.byteBudget,
      concurrency: config.analysis.concurrency,
      cache: deps.cache,
      keep: (repository, digest) => !deleting.has(`${repository}@${digest}`),
      log,
      progress: deps.progress,
      remainingTimeMs: deps.remainingTimeMs,
    });
  }
  if (request.saveSnapshotFile) await saveSnapshot(request.saveSnapshotFile, inventory);
  const bloat = analyseBloat(inventory, { pricePerGbMonthUsd: config.pricePerGbMonthUsd });

  let applied: ApplyResult | undefined;
  if (!request.dryRun) {
    try {
      applied = await applyPlan(plan, {
        ecr: requireClients(deps.clients).ecr,
        audit: deps.state,
        runId,
        now,
        maxDeletions: config.maxDeletionsPerRun,
        log,
      });
    } catch (error) {
      // A cleanup that fails must not stop the digest from saying so.
      log.error('applying the plan failed', { runId, error: (error as Error).message });
      warnings.push({
        code: 'apply-failed',
        message: `Applying the plan failed: ${(error as Error).message}. Some actions may not have been carried out; see the audit log.`,
      });
    }
  }

  const key = summaryKey(inventory, config);
  const previous = request.snapshotFile ? undefined : await readPrevious(deps.state, key, log);
  const digest = buildDigest({
    inventory,
    config,
    plan,
    applied,
    bloat,
    warnings,
    dryRun: request.dryRun,
    now,
    generatedAt: new Date(),
    previous,
  });
  if (!request.snapshotFile) {
    await deps.state.put(key, JSON.stringify(summariseRun(digest)));
  }
  log.info('run finished', {
    runId,
    repositories: digest.totals.repositoryCount,
    wastedBytes: digest.totals.wastedBytes,
    partial: digest.partial,
  });
  return { runId, digest, inventory };
}

function requireClients(clients: ScanClients | undefined): ScanClients {
  if (!clients)
    throw new JanitorError('AWS clients are needed to scan; pass --snapshot to work offline');
  return clients;
}
