/**
 * Images that ECS runs or may run: task definitions of services (their
 * current and in-progress deployments), running tasks with the digests they
 * actually resolved, tasks that EventBridge rules and schedules start, and,
 * unless turned off, every ACTIVE task definition revision (which also
 * covers `run-task` jobs started from outside the account's schedules).
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { InUseReference, MissingPart } from '../../model/inventory';
import type { JsonMapCache } from '../json-map-cache';
import { batches, collect, limitPages, type CallLimit } from '../calls';
import type { RawReference, WorkloadScan } from './raw-reference';
import { scanScheduledTasks, type ScheduleClients } from './schedules';

const PAGE_SIZE = 100;
/** DescribeServices takes at most 10 services per call. */
const SERVICES_PER_CALL = 10;
/** DescribeTasks takes at most 100 tasks per call. */
const TASKS_PER_CALL = 100;

export interface EcsScanOptions {
  limit: CallLimit;
  /** Where scheduled tasks are found. */
  schedules?: ScheduleClients;
  /**
   * Count every ACTIVE task definition revision as in use. Safe, but keeps
   * more than needed where old revisions are never deregistered.
   * @default true
   */
  activeTaskDefinitions?: boolean;
  /** Container images per task definition ARN; revisions never change. */
  taskDefinitions: JsonMapCache<string[]>;
}

type Source = InUseReference['source'];

/** `arn:…:cluster/name` → `name`; `arn:…:task-definition/family:7` → `family:7`. */
function shortName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1) || arn;
}

export async function scanEcs(ecs: ECSClient, options: EcsScanOptions): Promise<WorkloadScan> {
  const { limit } = options;
  const references: RawReference[] = [];
  const missing: MissingPart[] = [];
  /** Task definition ARN → who uses it. */
  const wanted = new Map<string, Source[]>();
  const want = (arn: string | undefined, source: Source) => {
    if (!arn) return;
    const sources = wanted.get(arn) ?? [];
    sources.push(source);
    wanted.set(arn, sources);
  };

  const clusters = await collect(missing, 'ecs-clusters', async () => {
    const arns: string[] = [];
    const pages = paginateListClusters({ client: ecs, pageSize: PAGE_SIZE }, {});
    for await (const page of limitPages(pages, limit)) {
      arns.push(...(page.clusterArns ?? []));
    }
    return arns;
  });

  const perCluster = (clusters ?? []).map(async (cluster) => {
    const clusterName = shortName(cluster);
    await collect(
      missing,
      'ecs-services',
      async () => {
        const arns: string[] = [];
        const pages = paginateListServices({ client: ecs, pageSize: PAGE_SIZE }, { cluster });
        for await (const page of limitPages(pages, limit)) arns.push(...(page.serviceArns ?? []));
        await Promise.all(
          batches(arns, SERVICES_PER_CALL).map((services) =>
            limit(async () => {
              const answer = await ecs.send(new DescribeServicesCommand({ cluster, services }));
              for (const service of answer.services ?? []) {
                const source: Source = {
                  kind: 'ecs-service',
                  id: `${clusterName}/${service.serviceName ?? shortName(service.serviceArn ?? '')}`,
                };
                want(service.taskDefinition, source);
                for (const deployment of service.deployments ?? []) {
                  want(deployment.taskDefinition, source);
                }
                for (const taskSet of service.taskSets ?? []) want(taskSet.taskDefinition, source);
              }
              for (const failure of answer.failures ?? []) {
                missing.push({
                  what: 'ecs-services',
                  reason: `DescribeServices failed for ${failure.arn}: ${failure.reason ?? 'unknown'}`,
                });
              }
            }),
          ),
        );
      },
      `cluster ${clusterName}`,
    );

    await collect(
      missing,
      'ecs-tasks',
      async () => {
        const arns: string[] = [];
        const pages = paginateListTasks(
          { client: ecs, pageSize: PAGE_SIZE },
          { cluster, desiredStatus: 'RUNNING' },
        );
        for await (const page of limitPages(pages, limit)) arns.push(...(page.taskArns ?? []));
        await Promise.all(
          batches(arns, TASKS_PER_CALL).map((tasks) =>
            limit(async () => {
              const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks }));
              for (const task of answer.tasks ?? []) {
                const source: Source = {
                  kind: 'ecs-running-task',
                  id: `${clusterName}/${shortName(task.taskArn ?? '')}`,
                };
                want(task.taskDefinitionArn, source);
                for (const container of task.containers ?? []) {
                  if (container.image) {
                    references.push({
                      imageRef: container.image,
                      resolvedDigest: container.imageDigest,
                      source,
                    });
                  }
                }
              }
            }),
          ),
        );
      },
      `cluster ${clusterName}`,
    );
  });

  const activeTaskDefinitions = options.activeTaskDefinitions ?? true;
  const active = activeTaskDefinitions
    ? collect(missing, 'ecs-task-definitions', async () => {
        const pages = paginateListTaskDefinitions(
          { client: ecs, pageSize: PAGE_SIZE },
          { status: 'ACTIVE' },
        );
        for await (const page of limitPages(pages, limit)) {
          for (const arn of page.taskDefinitionArns ?? []) {
            want(arn, { kind: 'ecs-task-definition', id: shortName(arn) });
          }
        }
      })
    : undefined;
  const scheduled = scanScheduledTasks(options.schedules ?? {}, limit).then((found) => {
    for (const task of found.tasks) want(task.taskDefinition, task.source);
    // With every ACTIVE revision counted, a schedule that could not be read
    // hides nothing; without them, it might hide an image in use.
    if (!activeTaskDefinitions) missing.push(...found.missing);
  });
  await Promise.all([...perCluster, active, scheduled]);

  await Promise.all(
    [...wanted].map(([arn, sources]) =>
      collect(missing, 'ecs-task-definitions', async () => {
        const images = await taskDefinitionImages(ecs, arn, options);
        for (const imageRef of images) {
          for (const source of sources) references.push({ imageRef, source });
        }
      }),
    ),
  );
  return { references, missing };
}

async function taskDefinitionImages(
  ecs: ECSClient,
  taskDefinition: string,
  options: EcsScanOptions,
): Promise<string[]> {
  const cached = options.taskDefinitions.get(taskDefinition);
  if (cached) return cached;
  const answer = await options.limit(() =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
  );
  const images = (answer.taskDefinition?.containerDefinitions ?? [])
    .map((container) => container.image)
    .filter((image): image is string => typeof image === 'string' && image.length > 0);
  options.taskDefinitions.set(taskDefinition, images);
  return images;
}
