/**
 * The scan: reads every repository, image, manifest and in-use reference of
 * one account and region into an inventory.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import { JanitorError } from '../errors';
import { emptyInventory, type Inventory } from '../model/inventory';
import type { Log } from '../util/log';
import type { Store } from '../util/store';
import { timeBudget } from './budget';
import type { CallLimit } from './calls';
import { describeError, errorName } from './errors';
import { externalReferences } from './in-use/external';
import { toInUseReferences } from './in-use/raw-reference';
import { scanWorkloads } from './in-use/workloads';
import { ManifestCache } from './manifest-cache';
import { accountAndRegionFromArn, listRepositories, type RepositoryListing } from './repositories';
import { ResumeList, resumeOrder } from './resume';
import { scanRepository, type RepositoryScan } from './scan-repository';

export interface ScanClients {
  ecr: ECRClient;
  /** When absent, ECS workloads are not looked at (and the inventory says so). */
  ecs?: ECSClient;
  /** When absent, Lambda functions are not looked at (and the inventory says so). */
  lambda?: LambdaClient;
  /** EventBridge rules that start ECS tasks. */
  events?: EventBridgeClient;
  /** EventBridge Scheduler schedules that start ECS tasks. */
  scheduler?: SchedulerClient;
}

export interface ScanOptions {
  /** Repository name patterns in scope (`*` wildcard). */
  repositoryPatterns: string[];
  /** Repository name patterns left out. */
  excludePatterns: string[];
  /** Image references used outside the account's ECS and Lambda. */
  externalReferences: string[];
  /** Manifests by digest, kept across runs; manifests never change. */
  manifestCache?: Store;
  /** Calls in flight at once. @default 8 */
  concurrency?: number;
  /** Milliseconds left for the whole run; the scan stops starting new work when it runs low. */
  remainingTimeMs?: () => number;
  /**
   * No new repository is started once `remainingTimeMs()` is at or below
   * this. @default a quarter of the time left when the scan starts, at most 60 s
   */
  timeReserveMs?: number;
  /**
   * Count every ACTIVE ECS task definition revision as in use (see
   * `protectActiveTaskDefinitions` in the configuration). @default true
   */
  activeTaskDefinitions?: boolean;
  log: Log;
  /** Progress lines for people (stderr in the CLI). */
  progress?: (message: string) => void;
  now: () => Date;
}

const DEFAULT_CONCURRENCY = 8;

export async function scanAccount(clients: ScanClients, options: ScanOptions): Promise<Inventory> {
  const { log } = options;
  const external = externalReferences(options.externalReferences);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const budget = timeBudget(options.remainingTimeMs, options.timeReserveMs);
  const inventory = emptyInventory(options.now().toISOString());
  const started = Date.now();

  const listings = await listInScope(clients.ecr, options);
  const identity = accountAndRegionFromArn(listings.find((listing) => listing.arn)?.arn);
  inventory.accountId = identity?.accountId;
  inventory.region = identity?.region ?? (await configuredRegion(clients.ecr));
  const scope = `${inventory.accountId ?? 'unknown-account'}/${inventory.region ?? 'unknown-region'}`;
  const resume = new ResumeList(options.manifestCache, `scan/${scope}/missed.json`, log);
  const order = resumeOrder(listings, await resume.load());
  options.progress?.(
    `scanning ${order.length} ${order.length === 1 ? 'repository' : 'repositories'} in ${scope}`,
  );

  const workloads = scanWorkloads(clients, {
    cache: options.manifestCache,
    scope,
    concurrency,
    log,
    activeTaskDefinitions: options.activeTaskDefinitions,
  });

  const ecrLimit: CallLimit = pLimit(concurrency);
  const repositoryLimit = pLimit(concurrency);
  const cache = new ManifestCache(options.manifestCache, scope, log);
  const scans: (RepositoryScan | undefined)[] = new Array(order.length);
  const notReached: string[] = [];
  const failed: string[] = [];
  let done = 0;
  const scanOne = async (listing: RepositoryListing): Promise<RepositoryScan | undefined> => {
    try {
      const scan = await scanRepository(listing, {
        ecr: clients.ecr,
        limit: ecrLimit,
        cache,
        known: inventory.manifests,
        scannedAt: inventory.scannedAt,
      });
      for (const [digest, body] of scan.manifests) inventory.manifests[digest] = body;
      scan.manifests.clear();
      inventory.missing.push(...scan.missing);
      log.info('repository scanned', {
        repository: listing.name,
        images: scan.record.images.length,
        manifestsFromCache: scan.fromCache,
        manifestsFetched: scan.fetched,
        manifestFailures: scan.missing.length,
      });
      return scan;
    } catch (error) {
      if (errorName(error) === 'RepositoryNotFoundException') {
        // Deleted between the listing and its scan: nothing is left to account.
        log.info('repository deleted during the scan', { repository: listing.name });
        return undefined;
      }
      failed.push(listing.name);
      inventory.missing.push({
        repository: listing.name,
        what: 'repository',
        reason: describeError(error),
      });
      log.warn('repository not scanned', {
        repository: listing.name,
        error: describeError(error),
      });
      return undefined;
    }
  };
  await Promise.all(
    order.map((listing, index) =>
      repositoryLimit(async () => {
        if (!budget.canStart()) {
          notReached.push(listing.name);
          return;
        }
        scans[index] = await scanOne(listing);
        done += 1;
        if (done % 100 === 0 || done === order.length) {
          options.progress?.(`scanned ${done}/${order.length} repositories`);
        }
      }),
    ),
  );

  for (const name of notReached) {
    inventory.missing.push({
      repository: name,
      what: 'not-reached',
      reason: `the time budget ran low (${Math.round(budget.reserveMs / 1000)} s kept for the rest of the run) before this repository was started; the next run scans it first`,
    });
  }
  if (notReached.length) {
    log.warn('time budget ran low; repositories left for the next run', {
      notReached: notReached.length,
    });
  }

  const { references, missing } = await workloads;
  inventory.inUse = toInUseReferences(
    [...references, ...external],
    inventory.accountId,
    inventory.region,
  );
  inventory.missing.push(...missing);
  inventory.repositories = scans
    .filter((scan): scan is RepositoryScan => scan !== undefined)
    .map((scan) => scan.record)
    .sort((a, b) => a.name.localeCompare(b.name));
  await resume.save([...notReached, ...failed], options.now().toISOString());
  inventory.scannedAt = options.now().toISOString();

  const batchGetImageCalls = scans.reduce((sum, scan) => sum + (scan?.batchGetImageCalls ?? 0), 0);
  log.info('scan finished', {
    accountId: inventory.accountId,
    region: inventory.region,
    repositories: inventory.repositories.length,
    images: inventory.repositories.reduce((sum, r) => sum + r.images.length, 0),
    inUseReferences: inventory.inUse.length,
    missing: inventory.missing.length,
    batchGetImageCalls,
    durationMs: Date.now() - started,
  });
  return inventory;
}

async function listInScope(ecr: ECRClient, options: ScanOptions): Promise<RepositoryListing[]> {
  try {
    return await listRepositories(ecr, options.repositoryPatterns, options.excludePatterns);
  } catch (error) {
    // Without the list of repositories there is nothing to report on.
    throw new JanitorError(
      `cannot list the ECR repositories (DescribeRepositories): ${describeError(error)}; check the credentials, region and the ecr:DescribeRepositories permission`,
      { cause: error },
    );
  }
}

async function configuredRegion(ecr: ECRClient): Promise<string | undefined> {
  try {
    return await ecr.config.region();
  } catch {
    return undefined;
  }
}
