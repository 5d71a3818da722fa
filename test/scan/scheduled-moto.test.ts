/**
 * Scheduled ECS tasks against moto_server through the real SDK: a task
 * definition that only an EventBridge rule starts, and one that only an
 * EventBridge Scheduler schedule starts, with no service for either.
 */
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { MEDIA_TYPES } from '../../lambda/model/manifest';
import { scanAccount } from '../../lambda/scan/scan-account';
import { startMoto, type MotoServer } from '../support/moto';
// ACCOUNT is moto's default account.
import { ACCOUNT, REGION, imageManifest, scanOptions } from './fake-account';

const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto(REGION);
});
afterAll(async () => {
  await moto?.stop();
});

async function pushImage(ecr: ECRClient, repositoryName: string, tag: string) {
  await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const { digest, body } = imageManifest([1000]);
  await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: body,
      imageManifestMediaType: MEDIA_TYPES.dockerManifest,
      imageDigest: digest,
      imageTag: tag,
    }),
  );
  return digest;
}

async function taskDefinition(ecs: ECSClient, family: string, image: string): Promise<string> {
  const answer = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: family, image, memory: 512 }],
    }),
  );
  return answer.taskDefinition!.taskDefinitionArn!;
}

describe('scheduled ECS tasks on a real endpoint', () => {
  it('are found through an EventBridge rule and a Scheduler schedule, each named as the source', async () => {
    const config = moto.clientConfig;
    const ecr = new ECRClient(config);
    const ecs = new ECSClient(config);
    const events = new EventBridgeClient(config);
    const scheduler = new SchedulerClient(config);
    const lambda = new LambdaClient(config);

    await pushImage(ecr, 'finance/report', '2026.7');
    const invoiceDigest = await pushImage(ecr, 'finance/invoice', 'v3');
    const cluster = (await ecs.send(new CreateClusterCommand({ clusterName: 'batch' }))).cluster!
      .clusterArn!;
    const report = await taskDefinition(ecs, 'report', `${HOST}/finance/report:2026.7`);
    const invoice = await taskDefinition(
      ecs,
      'invoice',
      `${HOST}/finance/invoice@${invoiceDigest}`,
    );

    await events.send(
      new PutRuleCommand({ Name: 'monthly-report', ScheduleExpression: 'cron(0 6 1 * ? *)' }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'monthly-report',
        Targets: [
          {
            Id: 'report',
            Arn: cluster,
            RoleArn: ROLE,
            EcsParameters: { TaskDefinitionArn: report },
          },
        ],
      }),
    );
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'invoice-run',
        ScheduleExpression: 'rate(7 days)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: cluster, RoleArn: ROLE, EcsParameters: { TaskDefinitionArn: invoice } },
      }),
    );

    const inventory = await scanAccount(
      { ecr, ecs, lambda, events, scheduler },
      scanOptions({ activeTaskDefinitions: false }),
    );

    const found = inventory.inUse
      .map((r) => [r.repository, r.tag ?? r.digest, r.source.kind, r.source.id])
      .sort();
    expect(found).toEqual([
      ['finance/invoice', invoiceDigest, 'ecs-scheduled-task', 'schedule default/invoice-run'],
      ['finance/report', '2026.7', 'ecs-scheduled-task', 'rule monthly-report'],
    ]);
    expect(inventory.missing.filter((m) => !m.repository)).toEqual([]);
    for (const client of [ecr, ecs, events, scheduler, lambda]) client.destroy();
  });
});
