/**
 * Scheduled ECS tasks: EventBridge rules and EventBridge Scheduler schedules
 * whose target runs an ECS task. A task with no service runs only now and
 * then (a monthly report), so neither the services nor the running tasks
 * show its image; its schedule does.
 */
import {
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import {
  GetScheduleCommand,
  paginateListSchedules,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { InUseReference, MissingPart } from '../../model/inventory';
import { collect, limitPages, type CallLimit } from '../calls';

export interface ScheduledTask {
  /** Task definition as the target names it: an ARN, `family:revision` or a family. */
  taskDefinition: string;
  source: InUseReference['source'];
}

export interface ScheduleClients {
  events?: EventBridgeClient;
  scheduler?: SchedulerClient;
}

/** An ECS cluster ARN: the target of a rule or schedule that runs a task. */
const ECS_CLUSTER_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\//;

/** Reads every page of a NextToken-style listing. */
async function allPages<T>(
  limit: CallLimit,
  page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await limit(() => page(nextToken));
    items.push(...answer.items);
    nextToken = answer.nextToken;
  } while (nextToken);
  return items;
}

async function eventBridgeTasks(
  events: EventBridgeClient,
  limit: CallLimit,
  tasks: ScheduledTask[],
): Promise<void> {
  const buses = await allPages(limit, async (NextToken) => {
    const answer = await events.send(new ListEventBusesCommand({ NextToken }));
    return {
      items: (answer.EventBuses ?? []).map((bus) => bus.Name ?? 'default'),
      nextToken: answer.NextToken,
    };
  });
  for (const bus of buses.length ? buses : ['default']) {
    const rules = await allPages(limit, async (NextToken) => {
      const answer = await events.send(new ListRulesCommand({ EventBusName: bus, NextToken }));
      return { items: answer.Rules ?? [], nextToken: answer.NextToken };
    });
    await Promise.all(
      rules.map(async (rule) => {
        const targets = await allPages(limit, async (NextToken) => {
          const answer = await events.send(
            new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus, NextToken }),
          );
          return { items: answer.Targets ?? [], nextToken: answer.NextToken };
        });
        for (const target of targets) {
          const taskDefinition = target.EcsParameters?.TaskDefinitionArn;
          if (taskDefinition && ECS_CLUSTER_ARN.test(target.Arn ?? '')) {
            const id = bus === 'default' ? `rule ${rule.Name}` : `rule ${bus}/${rule.Name}`;
            tasks.push({ taskDefinition, source: { kind: 'ecs-scheduled-task', id } });
          }
        }
      }),
    );
  }
}

async function schedulerTasks(
  scheduler: SchedulerClient,
  limit: CallLimit,
  tasks: ScheduledTask[],
): Promise<void> {
  const summaries = [];
  for await (const page of limitPages(paginateListSchedules({ client: scheduler }, {}), limit)) {
    summaries.push(...(page.Schedules ?? []));
  }
  await Promise.all(
    summaries
      // The listing names only the target's ARN; only ECS targets are read in full.
      .filter((summary) => ECS_CLUSTER_ARN.test(summary.Target?.Arn ?? ''))
      .map(async (summary) => {
        const schedule = await limit(() =>
          scheduler.send(
            new GetScheduleCommand({ Name: summary.Name, GroupName: summary.GroupName }),
          ),
        );
        const taskDefinition = schedule.Target?.EcsParameters?.TaskDefinitionArn;
        if (taskDefinition) {
          tasks.push({
            taskDefinition,
            source: {
              kind: 'ecs-scheduled-task',
              id: `schedule ${summary.GroupName ?? 'default'}/${summary.Name}`,
            },
          });
        }
      }),
  );
}

/** Task definitions that EventBridge rules and schedules run, with where each was found. */
export async function scanScheduledTasks(
  clients: ScheduleClients,
  limit: CallLimit,
): Promise<{ tasks: ScheduledTask[]; missing: MissingPart[] }> {
  const tasks: ScheduledTask[] = [];
  const missing: MissingPart[] = [];
  const notRead = (what: string, client: string): MissingPart => ({
    what,
    reason: `${client} was not read: no ${client} client was given`,
  });
  await Promise.all([
    clients.events
      ? collect(missing, 'eventbridge-rules', () => eventBridgeTasks(clients.events!, limit, tasks))
      : missing.push(notRead('eventbridge-rules', 'EventBridge')),
    clients.scheduler
      ? collect(missing, 'eventbridge-schedules', () =>
          schedulerTasks(clients.scheduler!, limit, tasks),
        )
      : missing.push(notRead('eventbridge-schedules', 'EventBridge Scheduler')),
  ]);
  return { tasks, missing };
}
