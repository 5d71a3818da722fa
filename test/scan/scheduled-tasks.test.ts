/**
 * Field case "Tasks with no service": a task that a schedule starts monthly
 * is in use although no service runs it, and is found through EventBridge
 * rules and EventBridge Scheduler schedules.
 */
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { scanAccount, type ScanOptions } from '../../lambda/scan/scan-account';
import { ACCOUNT, REGION, emptyLambda, fakeEcr, image, scanOptions } from './fake-account';

const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch`;

/** Schedules must be read: ACTIVE revisions are not counted here. */
const options = (extra: Partial<ScanOptions> = {}) =>
  scanOptions({ activeTaskDefinitions: false, ...extra });

/** ECS with no services or tasks; task definitions by name, listed as ACTIVE too. */
function fakeEcs(taskDefinitions: Record<string, string[]>) {
  const client = new ECSClient({ region: REGION, credentials });
  const mock = mockClient(client);
  mock.on(ListClustersCommand).resolves({ clusterArns: [] });
  mock
    .on(ListTaskDefinitionsCommand)
    .resolves({ taskDefinitionArns: Object.keys(taskDefinitions) });
  mock.on(DescribeTaskDefinitionCommand).callsFake((input) => ({
    taskDefinition: {
      containerDefinitions: (taskDefinitions[input.taskDefinition] ?? []).map((img) => ({
        name: 'c',
        image: img,
      })),
    },
  }));
  return { client, mock };
}

/** EventBridge with the default bus; rules come two pages deep, the ECS target on the last. */
function fakeEvents(taskDefinition: string) {
  const client = new EventBridgeClient({ region: REGION, credentials });
  const mock = mockClient(client);
  mock.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default' }] });
  mock
    .on(ListRulesCommand, { EventBusName: 'default', NextToken: undefined })
    .resolves({ Rules: [{ Name: 'nightly-lambda' }], NextToken: 'page-2' })
    .on(ListRulesCommand, { EventBusName: 'default', NextToken: 'page-2' })
    .resolves({ Rules: [{ Name: 'monthly-report' }] });
  mock
    .on(ListTargetsByRuleCommand, { Rule: 'nightly-lambda' })
    .resolves({ Targets: [{ Id: '1', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:x` }] })
    .on(ListTargetsByRuleCommand, { Rule: 'monthly-report' })
    .resolves({
      Targets: [{ Id: '1', Arn: CLUSTER, EcsParameters: { TaskDefinitionArn: taskDefinition } }],
    });
  return { client, mock };
}

function fakeScheduler(taskDefinition?: string) {
  const client = new SchedulerClient({ region: REGION, credentials });
  const mock = mockClient(client);
  mock.on(ListSchedulesCommand).resolves({
    Schedules: taskDefinition
      ? [
          { Name: 'invoice-run', GroupName: 'finance', Target: { Arn: CLUSTER } },
          { Name: 'ping', GroupName: 'default', Target: { Arn: 'arn:aws:sqs:eu-west-1:1:q' } },
        ]
      : [],
  });
  mock.on(GetScheduleCommand).resolves({
    Target: { Arn: CLUSTER, RoleArn: 'r', EcsParameters: { TaskDefinitionArn: taskDefinition } },
  });
  return { client, mock };
}

describe('scheduled ECS tasks', () => {
  it('keep the image of a task that only an EventBridge rule starts, found on the last page of rules', async () => {
    const pushed = image([1], { tags: ['2026.7'] });
    const { client: ecr } = fakeEcr([{ name: 'report', images: [pushed] }]);
    const definition = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/report:7`;
    const { client: ecs } = fakeEcs({ [definition]: [`${HOST}/report:2026.7`] });
    const { client: events, mock } = fakeEvents(definition);

    const inventory = await scanAccount(
      { ecr, ecs, lambda: emptyLambda(), events, scheduler: fakeScheduler().client },
      options(),
    );

    expect(mock.commandCalls(ListRulesCommand)).toHaveLength(2);
    expect(inventory.inUse).toEqual([
      expect.objectContaining({
        repository: 'report',
        tag: '2026.7',
        source: { kind: 'ecs-scheduled-task', id: 'rule monthly-report' },
      }),
    ]);
    expect(inventory.missing).toEqual([]);
  });

  it('keep the image of a task that an EventBridge Scheduler schedule starts, reading only ECS targets in full', async () => {
    const pushed = image([1]);
    const { client: ecr } = fakeEcr([{ name: 'invoice', images: [pushed] }]);
    const { client: ecs } = fakeEcs({ 'invoice:3': [`${HOST}/invoice@${pushed.digest}`] });
    const { client: scheduler, mock } = fakeScheduler('invoice:3');
    const events = new EventBridgeClient({ region: REGION, credentials });
    mockClient(events)
      .on(ListEventBusesCommand)
      .resolves({ EventBuses: [] })
      .on(ListRulesCommand)
      .resolves({ Rules: [] });

    const inventory = await scanAccount(
      { ecr, ecs, lambda: emptyLambda(), events, scheduler },
      options(),
    );

    expect(mock.commandCalls(GetScheduleCommand)).toHaveLength(1);
    expect(inventory.inUse).toEqual([
      expect.objectContaining({
        repository: 'invoice',
        digest: pushed.digest,
        source: { kind: 'ecs-scheduled-task', id: 'schedule finance/invoice-run' },
      }),
    ]);
  });

  it('count as a gap that withholds deletions when schedules cannot be read and ACTIVE revisions are not protected', async () => {
    const { client: ecr } = fakeEcr([]);
    const { client: ecs } = fakeEcs({});
    const inventory = await scanAccount({ ecr, ecs, lambda: emptyLambda() }, options());
    expect(inventory.missing.map((m) => m.what).sort()).toEqual([
      'eventbridge-rules',
      'eventbridge-schedules',
    ]);
  });

  it('need no schedule reads to be safe while every ACTIVE revision counts as in use', async () => {
    const { client: ecr } = fakeEcr([]);
    const { client: ecs, mock } = fakeEcs({});
    const inventory = await scanAccount(
      { ecr, ecs, lambda: emptyLambda() },
      options({ activeTaskDefinitions: true }),
    );
    expect(mock.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(1);
    expect(inventory.missing).toEqual([]);
  });

  it('do not list ACTIVE revisions when that protection is turned off', async () => {
    const { client: ecr } = fakeEcr([]);
    const { client: ecs, mock } = fakeEcs({});
    await scanAccount(
      {
        ecr,
        ecs,
        lambda: emptyLambda(),
        events: fakeEvents('x:1').client,
        scheduler: fakeScheduler().client,
      },
      options(),
    );
    expect(mock.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(0);
  });
});
