import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { indexInUse } from '../../lambda/scan/in-use/match';
import { scanAccount } from '../../lambda/scan/scan-account';
import { MemoryStore } from '../../lambda/util/store';
import { ACCOUNT, REGION, emptyLambda, fakeEcr, image, scanOptions } from './fake-account';

const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const options = scanOptions;

function paged<T>(items: T[], token: string | undefined, size: number) {
  const start = token ? Number(token) : 0;
  return {
    items: items.slice(start, start + size),
    nextToken: start + size < items.length ? String(start + size) : undefined,
  };
}

const taskDefinitionArn = (family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

/** An ECS fake with no clusters and the given task definitions, paged 50 at a time. */
function fakeEcs(taskDefinitions: Record<string, string[]>) {
  const client = new ECSClient({ region: REGION, credentials });
  const mock = mockClient(client);
  const arns = Object.keys(taskDefinitions);
  mock.on(ListClustersCommand).resolves({ clusterArns: [] });
  mock.on(ListTaskDefinitionsCommand).callsFake((input) => {
    const { items, nextToken } = paged(arns, input.nextToken, 50);
    return { taskDefinitionArns: items, nextToken };
  });
  mock.on(DescribeTaskDefinitionCommand).callsFake((input) => ({
    taskDefinition: {
      taskDefinitionArn: input.taskDefinition,
      containerDefinitions: taskDefinitions[input.taskDefinition].map((img, i) => ({
        name: `c${i}`,
        image: img,
      })),
    },
  }));
  return { client, mock };
}

describe('in-use references', () => {
  it('field case: reads all pages on both sides, 1,200 images and 150 task definitions, and finds the image named on the last page', async () => {
    const images = Array.from({ length: 1200 }, (_, i) => image([1], { tags: [`v${i}`] }));
    const used = images[1150]; // on the second page of DescribeImages
    const { client: ecr } = fakeEcr([{ name: 'report', images }]);
    const definitions: Record<string, string[]> = {};
    for (let revision = 1; revision <= 150; revision += 1) {
      definitions[taskDefinitionArn('other', revision)] = ['public.ecr.aws/nginx/nginx:1'];
    }
    definitions[taskDefinitionArn('report', 7)] = [`${HOST}/report@${used.digest}`];
    const { client: ecs, mock } = fakeEcs(definitions);

    const inventory = await scanAccount({ ecr, ecs, lambda: emptyLambda() }, options());

    expect(mock.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(4);
    expect(mock.commandCalls(ListTaskDefinitionsCommand)[0].args[0].input.status).toBe('ACTIVE');
    expect(inventory.inUse).toEqual([
      {
        imageRef: `${HOST}/report@${used.digest}`,
        repository: 'report',
        digest: used.digest,
        source: { kind: 'ecs-task-definition', id: 'report:7' },
      },
    ]);
    expect(inventory.repositories[0].images).toHaveLength(1200);
    expect([...indexInUse(inventory).get('report')!.keys()]).toEqual([used.digest]);
    expect(inventory.missing).toEqual([]);
  });

  it('describes each task definition revision once, then reads it from the cache', async () => {
    const { client: ecr } = fakeEcr([]);
    const { client: ecs, mock } = fakeEcs({ [taskDefinitionArn('api', 1)]: [`${HOST}/api:v1`] });
    const cache = new MemoryStore();

    await scanAccount({ ecr, ecs, lambda: emptyLambda() }, options({ manifestCache: cache }));
    const second = await scanAccount(
      { ecr, ecs, lambda: emptyLambda() },
      options({ manifestCache: cache }),
    );

    expect(mock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(second.inUse.map((r) => r.tag)).toEqual(['v1']);
  });

  it('finds services (every cluster, every page, deployments included) and running tasks with their resolved digests', async () => {
    const running = image([1]);
    const { client: ecr } = fakeEcr([
      { name: 'svc', images: [image([1], { tags: ['1.4'] }), running] },
    ]);
    const client = new ECSClient({ region: REGION, credentials });
    const mock = mockClient(client);
    const clusters = ['c1', 'c2'].map((c) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${c}`);
    mock.on(ListClustersCommand).resolves({ clusterArns: clusters });
    mock.on(ListServicesCommand).callsFake((input) => {
      if (input.cluster !== clusters[1]) return { serviceArns: [] };
      const arns = Array.from({ length: 12 }, (_, i) => `arn:svc/s${i}`);
      const { items, nextToken } = paged(arns, input.nextToken, 10);
      return { serviceArns: items, nextToken };
    });
    mock.on(DescribeServicesCommand).callsFake((input) => ({
      services: input.services.map((arn: string) => ({
        serviceName: arn.split('/')[1],
        taskDefinition: arn.endsWith('s11')
          ? taskDefinitionArn('svc', 2)
          : taskDefinitionArn('x', 1),
        deployments: arn.endsWith('s11') ? [{ taskDefinition: taskDefinitionArn('svc', 1) }] : [],
      })),
    }));
    mock
      .on(ListTasksCommand)
      .callsFake((input) =>
        input.cluster === clusters[0] ? { taskArns: ['arn:task/c1/t1'] } : { taskArns: [] },
      );
    mock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:task/c1/t1',
          taskDefinitionArn: taskDefinitionArn('x', 1),
          containers: [{ image: `${HOST}/svc:2.0`, imageDigest: running.digest }],
        },
      ],
    });
    mock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [] });
    const images: Record<string, string> = {
      [taskDefinitionArn('svc', 1)]: `${HOST}/svc:1.4`,
      [taskDefinitionArn('svc', 2)]: `${HOST}/svc:1.9`,
      [taskDefinitionArn('x', 1)]: 'docker.io/library/busybox',
    };
    mock.on(DescribeTaskDefinitionCommand).callsFake((input) => ({
      taskDefinition: { containerDefinitions: [{ image: images[input.taskDefinition] }] },
    }));

    const inventory = await scanAccount({ ecr, ecs: client, lambda: emptyLambda() }, options());

    expect(mock.commandCalls(ListServicesCommand)).toHaveLength(3);
    expect(
      mock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length),
    ).toEqual([10, 2]);
    const summary = inventory.inUse
      .map((r) => `${r.source.kind} ${r.source.id} ${r.tag ?? ''}${r.digest ?? ''}`)
      .sort();
    expect(summary).toEqual(
      [
        `ecs-running-task c1/t1 ${running.digest}`,
        'ecs-running-task c1/t1 2.0',
        'ecs-service c2/s11 1.4',
        'ecs-service c2/s11 1.9',
      ].sort(),
    );
    expect([...indexInUse(inventory).get('svc')!.keys()].sort()).toEqual(
      [inventory.repositories[0].images[0].imageDigest, running.digest].sort(),
    );
  });

  it('finds Lambda container functions, their published versions and alias targets', async () => {
    const v3 = image([1], { tags: ['v3'] });
    const { client: ecr } = fakeEcr([{ name: 'worker', images: [v3] }]);
    const { client: ecs } = fakeEcs({});
    const lambda = new LambdaClient({ region: REGION, credentials });
    const mock = mockClient(lambda);
    mock.on(ListFunctionsCommand).callsFake((input) => {
      expect(input.FunctionVersion).toBe('ALL');
      return input.Marker
        ? { Functions: [{ FunctionName: 'zip-fn', Version: '$LATEST', PackageType: 'Zip' }] }
        : {
            Functions: [
              { FunctionName: 'worker', Version: '$LATEST', PackageType: 'Image' },
              { FunctionName: 'worker', Version: '3', PackageType: 'Image', CodeSha256: 'a' },
            ],
            NextMarker: 'page-2',
          };
    });
    mock.on(GetFunctionCommand).callsFake((input) => ({
      Code:
        input.Qualifier === '3'
          ? { ImageUri: `${HOST}/worker:v3`, ResolvedImageUri: `${HOST}/worker@${v3.digest}` }
          : { ImageUri: `${HOST}/worker:v9` },
    }));
    mock.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live', FunctionVersion: '3' }] });

    const inventory = await scanAccount({ ecr, ecs, lambda }, options());

    const summary = inventory.inUse
      .map((r) => `${r.source.kind} ${r.source.id} ${r.tag ?? ''}${r.digest ?? ''}`)
      .sort();
    expect(summary).toEqual(
      [
        'lambda-function worker:$LATEST v9',
        'lambda-function worker:3 v3',
        `lambda-function worker:3 ${v3.digest}`,
        'lambda-function worker:live v3',
        `lambda-function worker:live ${v3.digest}`,
      ].sort(),
    );
    expect(mock.commandCalls(GetFunctionCommand)).toHaveLength(2);
    expect(inventory.missing).toEqual([]);
  });

  it('keeps external references of this account, and drops those of other accounts and regions', async () => {
    const { client: ecr } = fakeEcr([{ name: 'api', images: [image([1], { tags: ['v1'] })] }]);
    const { client: ecs } = fakeEcs({});

    const inventory = await scanAccount(
      { ecr, ecs, lambda: emptyLambda() },
      options({
        externalReferences: [
          'api:v1',
          `${HOST}/api:v2`,
          `999999999999.dkr.ecr.${REGION}.amazonaws.com/api:v3`,
          `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/api:v4`,
        ],
      }),
    );

    expect(inventory.inUse.map((r) => [r.tag, r.source])).toEqual([
      ['v1', { kind: 'external', id: 'api:v1' }],
      ['v2', { kind: 'external', id: `${HOST}/api:v2` }],
    ]);
  });

  it('records an ECS failure as missing and still scans repositories', async () => {
    const { client: ecr } = fakeEcr([{ name: 'api', images: [image([1])] }]);
    const ecs = new ECSClient({ region: REGION, credentials });
    const mock = mockClient(ecs);
    mock.on(ListClustersCommand).rejects(
      Object.assign(new Error('not authorized to perform ecs:ListClusters'), {
        name: 'AccessDeniedException',
      }),
    );
    mock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [] });

    const inventory = await scanAccount({ ecr, ecs, lambda: emptyLambda() }, options());

    expect(inventory.repositories).toHaveLength(1);
    expect(inventory.missing).toEqual([
      {
        what: 'ecs-clusters',
        reason: 'AccessDeniedException: not authorized to perform ecs:ListClusters',
      },
    ]);
  });
});
