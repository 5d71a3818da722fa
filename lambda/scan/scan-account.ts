/**
 * The scan: reads every repository, image, manifest and in-use reference of
 * one account and region into an inventory.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import { JanitorError } from '../errors';
import { emptyInventory, type Inventory, type MissingPart } from '../model/inventory';
import type { Log } from '../util/log';
import type { Store } from '../util/store';
import { timeBudget } from './budget';
import type { CallLimit } from './calls';
import { describeError } from './errors';
import { scanEcs, type EcsScanOptions } from './in-use/ecs';
import { externalReferences } from './in-use/external';
import { scanLambda, type FunctionImage } from './in-use/lambda';
import { toInUseReferences, type WorkloadScan } from './in-use/raw-reference';
import { JsonMapCache } from './json-map-cache';
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
  options.progress?.(`scanning ${order.length} repositories in ${scope}`);

  const workloads = scanWorkloads(clients, options, scope, concurrency);

  const ecrLimit: CallLimit = pLimit(concurrency);
  const repositoryLimit = pLimit(concurrency);
  const cache = new ManifestCache(options.manifestCache, scope, log);
  const scans: (RepositoryScan | undefined)[] = new Array(order.length);
  const notReached: string[] = [];
  const failed: string[] = [];
  let done = 0;
  await Promise.all(
    order.map((listing, index) =>
      repositoryLimit(async () => {
        if (!budget.canStart()) {
          notReached.push(listing.name);
          return;
        }
        try {
          const scan = await scanRepository(listing, {
            ecr: clients.ecr,
            limit: ecrLimit,
            cache,
            known: inventory.manifests,
            scannedAt: inventory.scannedAt,
          });
          for (const [digest, body] of scan.manifests) inventory.manifests[digest] = body;
          inventory.missing.push(...scan.missing);
          scans[index] = scan;
          log.info('repository scanned', {
            repository: listing.name,
            images: scan.record.images.length,
            manifestsFromCache: scan.fromCache,
            manifestsFetched: scan.fetched,
            manifestFailures: scan.missing.length,
          });
        } catch (error) {
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
        }
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

async function scanWorkloads(
  clients: ScanClients,
  options: ScanOptions,
  scope: string,
  concurrency: number,
): Promise<WorkloadScan> {
  const { log, manifestCache } = options;
  const parts: Promise<WorkloadScan>[] = [];
  const notScanned = (what: string, client: string): WorkloadScan => ({
    references: [],
    missing: [{ what, reason: `${client} was not scanned: no ${client} client was given` }],
  });

  if (clients.ecs) {
    const taskDefinitions = new JsonMapCache<string[]>(
      manifestCache,
      `workloads/${scope}/ecs-task-definitions.json`,
      log,
    );
    const ecsOptions: EcsScanOptions = { limit: pLimit(concurrency), taskDefinitions };
    const ecs = clients.ecs;
    parts.push(
      taskDefinitions.load().then(async () => {
        const scan = await scanEcs(ecs, ecsOptions);
        await taskDefinitions.save();
        return scan;
      }),
    );
  } else {
    parts.push(Promise.resolve(notScanned('ecs', 'ECS')));
  }

  if (clients.lambda) {
    const versions = new JsonMapCache<FunctionImage>(
      manifestCache,
      `workloads/${scope}/lambda-versions.json`,
      log,
    );
    const lambda = clients.lambda;
    parts.push(
      versions.load().then(async () => {
        const scan = await scanLambda(lambda, { limit: pLimit(concurrency), versions });
        await versions.save();
        return scan;
      }),
    );
  } else {
    parts.push(Promise.resolve(notScanned('lambda', 'Lambda')));
  }

  const results = await Promise.all(parts);
  const missing: MissingPart[] = results.flatMap((result) => result.missing);
  for (const part of missing) log.warn('workloads not fully read', { ...part });
  return { references: results.flatMap((result) => result.references), missing };
}
