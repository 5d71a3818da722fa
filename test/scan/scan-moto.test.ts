/**
 * The scan against moto_server through the real SDK: repositories and
 * images created with PutImage from real manifest bodies (digest set), ECS
 * and Lambda workloads that use some of them. moto does not paginate ECR;
 * the unit tests cover pagination.
 */
import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestIndex, RepositoryBlobs } from '../../lambda/analyse/accounting';
import { sdkConfig } from '../../lambda/aws/clients';
import { indexInUse } from '../../lambda/scan/in-use/match';
import { scanAccount, type ScanClients, type ScanOptions } from '../../lambda/scan/scan-account';
import { FileStore } from '../../lambda/util/store';
import { startMoto, type MotoServer } from '../support/moto';
import { imageIndex, imageManifest, scanOptions } from './fake-account';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012'; // moto's default account
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const MB = 1_000_000;

let moto: MotoServer;
let cacheDir: string;

beforeAll(async () => {
  moto = await startMoto(REGION);
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  cacheDir = await mkdtemp(join(tmpdir(), 'scan-moto-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** Counts the calls a client sends, per command. */
function countCalls(client: ECRClient): Record<string, number> {
  const counts: Record<string, number> = {};
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  client.send = ((command: object) => {
    const name = command.constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
    return send(command);
  }) as typeof client.send;
  return counts;
}

/**
 * moto's Lambda wants the function's role to exist. No IAM client is a
 * dependency, so the role is made with one IAM query-protocol call; moto
 * reads the service from the credential scope and does not check signatures.
 */
async function createRole(name: string): Promise<string> {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: name,
      AssumeRolePolicyDocument: trust,
    }).toString(),
  });
  if (!response.ok) throw new Error(`CreateRole failed: ${await response.text()}`);
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

function clients(): ScanClients {
  const config = { ...sdkConfig({ region: REGION, endpoint: moto.endpoint }), credentials };
  return {
    ecr: new ECRClient(config),
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
  };
}

function options(extra: Partial<ScanOptions> = {}): ScanOptions {
  return scanOptions({ manifestCache: new FileStore(cacheDir), now: () => new Date(), ...extra });
}

async function push(ecr: ECRClient, repositoryName: string, body: string, tag?: string) {
  const mediaType = JSON.parse(body).mediaType as string;
  await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: body,
      imageDigest: sha256Digest(body),
      imageTag: tag,
      imageManifestMediaType: mediaType,
    }),
  );
}

/**
 * `api`: ten tags sharing a 400 MB base layer, 20 MB each on top.
 * `multi`: an index over a 300 MB amd64 child and a 280 MB arm64 child, and
 * a signature referring to the index.
 */
async function seed(ecr: ECRClient) {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'api' }));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/multi' }));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'empty' }));
  await ecr.send(
    new PutLifecyclePolicyCommand({
      repositoryName: 'api',
      lifecyclePolicyText: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 },
            action: { type: 'expire' },
          },
        ],
      }),
    }),
  );
  const base = sha256Digest('base layer');
  const api = Array.from({ length: 10 }, (_, i) =>
    imageManifest([400 * MB, 20 * MB], {
      configSize: 0,
      layerDigests: [base, sha256Digest(`app ${i}`)],
      seed: `api-${i}`,
    }),
  );
  for (const [i, manifest] of api.entries()) await push(ecr, 'api', manifest.body, `v${i}`);

  const amd64 = imageManifest([300 * MB], { configSize: 0, seed: 'amd64' });
  const arm64 = imageManifest([280 * MB], { configSize: 0, seed: 'arm64' });
  const index = imageIndex([
    { ...amd64, arch: 'amd64' },
    { ...arm64, arch: 'arm64' },
  ]);
  const signature = imageManifest([0], { configSize: 0, subject: index.digest, seed: 'sig' });
  await push(ecr, 'team/multi', amd64.body);
  await push(ecr, 'team/multi', arm64.body);
  await push(ecr, 'team/multi', index.body, 'latest');
  await push(ecr, 'team/multi', signature.body);
  return { api, amd64, arm64, index, signature };
}

function storedBytes(inventory: Awaited<ReturnType<typeof scanAccount>>, name: string) {
  const repository = inventory.repositories.find((r) => r.name === name)!;
  return new RepositoryBlobs(repository, new ManifestIndex(inventory.manifests)).storedBytes;
}

describe('scanAccount against moto_server', () => {
  it('reads repositories, images, exact manifests and lifecycle policies, and accounts stored bytes from distinct blobs', async () => {
    const scan = clients();
    const seeded = await seed(scan.ecr);

    const inventory = await scanAccount(scan, options());

    expect([inventory.accountId, inventory.region]).toEqual([ACCOUNT, REGION]);
    expect(inventory.repositories.map((r) => [r.name, r.images.length])).toEqual([
      ['api', 10],
      ['empty', 0],
      ['team/multi', 4],
    ]);
    const api = inventory.repositories[0];
    expect(api.lifecyclePolicyText).toContain('imageCountMoreThan');
    expect(api.images.map((i) => i.tags[0]).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${i}`).sort(),
    );
    // moto keeps the manifest bytes exactly: each body is the one pushed.
    for (const manifest of [...seeded.api, seeded.index, seeded.amd64, seeded.signature]) {
      expect(inventory.manifests[manifest.digest]).toBe(manifest.body);
    }
    const multi = inventory.repositories[2];
    expect(multi.images.find((i) => i.imageDigest === seeded.index.digest)?.manifestMediaType).toBe(
      MEDIA_TYPES.ociIndex,
    );
    expect(multi.images.find((i) => i.imageDigest === seeded.signature.digest)?.subjectDigest).toBe(
      seeded.index.digest,
    );

    expect(storedBytes(inventory, 'api')).toBe(400 * MB + 10 * 20 * MB);
    expect(storedBytes(inventory, 'team/multi')).toBe(300 * MB + 280 * MB);
    expect(storedBytes(inventory, 'empty')).toBe(0);
    expect(inventory.missing).toEqual([]);
  });

  it('makes no BatchGetImage call when it scans the unchanged account again', async () => {
    const scan = clients();
    await seed(scan.ecr);
    const counts = countCalls(scan.ecr);

    const first = await scanAccount(scan, options());
    const batchCallsFirst = counts.BatchGetImage;
    const second = await scanAccount(scan, options());

    expect(batchCallsFirst).toBe(2);
    expect(counts.BatchGetImage).toBe(2);
    expect(second.manifests).toEqual(first.manifests);
  });

  it('finds images in use by ECS services and task definitions, and by Lambda functions', async () => {
    const scan = clients();
    const seeded = await seed(scan.ecr);
    await scan.ecs!.send(new CreateClusterCommand({ clusterName: 'prod' }));
    const registered = await scan.ecs!.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        containerDefinitions: [{ name: 'api', image: `${HOST}/api:v3`, memory: 256 }],
      }),
    );
    await scan.ecs!.send(
      new RegisterTaskDefinitionCommand({
        family: 'report',
        containerDefinitions: [
          { name: 'report', image: `${HOST}/team/multi@${seeded.amd64.digest}`, memory: 256 },
        ],
      }),
    );
    await scan.ecs!.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'api',
        taskDefinition: registered.taskDefinition!.taskDefinitionArn,
        desiredCount: 0,
      }),
    );
    await scan.lambda!.send(
      new CreateFunctionCommand({
        FunctionName: 'worker',
        PackageType: 'Image',
        Code: { ImageUri: `${HOST}/api:v7` },
        Role: await createRole('worker'),
      }),
    );
    await scan.lambda!.send(new PublishVersionCommand({ FunctionName: 'worker' }));

    const inventory = await scanAccount(scan, options({ externalReferences: ['api:v9'] }));

    const used = (digest: string) => indexInUse(inventory).get('api')?.get(digest) ?? [];
    const tagged = (tag: string) =>
      inventory.repositories[0].images.find((i) => i.tags.includes(tag))!.imageDigest;
    expect(used(tagged('v3')).map((r) => r.source)).toEqual(
      expect.arrayContaining([
        { kind: 'ecs-service', id: 'prod/api' },
        { kind: 'ecs-task-definition', id: 'api:1' },
      ]),
    );
    expect(used(tagged('v7')).map((r) => r.source.kind)).toContain('lambda-function');
    expect(used(tagged('v9')).map((r) => r.source)).toEqual([{ kind: 'external', id: 'api:v9' }]);
    expect(
      indexInUse(inventory)
        .get('team/multi')
        ?.get(seeded.amd64.digest)
        ?.map((r) => r.source),
    ).toEqual([{ kind: 'ecs-task-definition', id: 'report:1' }]);
    expect(used(tagged('v1'))).toEqual([]);
    expect(inventory.missing).toEqual([]);
  });
});
