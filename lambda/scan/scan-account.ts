/**
 * The scan: reads every repository, image, manifest and in-use reference of
 * one account and region into an inventory.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { JanitorError } from '../errors';
import type { Inventory } from '../model/inventory';
import type { Log } from '../util/log';
import type { Store } from '../util/store';

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
  log: Log;
  /** Progress lines for people (stderr in the CLI). */
  progress?: (message: string) => void;
  now: () => Date;
}

export async function scanAccount(
  _clients: ScanClients,
  _options: ScanOptions,
): Promise<Inventory> {
  throw new JanitorError('scanAccount is not built yet');
}
