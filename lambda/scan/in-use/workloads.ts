/** The in-use references of the account's workloads: ECS and Lambda. */
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import type { MissingPart } from '../../model/inventory';
import type { Log } from '../../util/log';
import type { Store } from '../../util/store';
import { JsonMapCache } from '../json-map-cache';
import { scanEcs, type EcsScanOptions } from './ecs';
import { scanLambda, type FunctionImage } from './lambda';
import type { WorkloadScan } from './raw-reference';
import type { ScheduleClients } from './schedules';

/**
 * ECS and Lambda workloads of the account, read side by side with the
 * repositories, each with its own call limit (they are throttled apart).
 */
export async function scanWorkloads(
  clients: { ecs?: ECSClient; lambda?: LambdaClient } & ScheduleClients,
  options: {
    cache?: Store;
    scope: string;
    concurrency: number;
    log: Log;
    activeTaskDefinitions?: boolean;
  },
): Promise<WorkloadScan> {
  const { log, cache: manifestCache, scope, concurrency } = options;
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
    const ecsOptions: EcsScanOptions = {
      limit: pLimit(concurrency),
      taskDefinitions,
      schedules: { events: clients.events, scheduler: clients.scheduler },
      activeTaskDefinitions: options.activeTaskDefinitions,
    };
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
