/**
 * The handler end to end against moto_server: a scheduled event in, the real
 * pipeline (scan, plan, apply, digest, delivery), a digest out through SES
 * and an audit record in S3.
 */
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';
import { containerDeps } from '../../lambda/handler/container';
import { handleInvocation, type RunResult } from '../../lambda/handler/invoke';
import { startMoto, type MotoServer } from '../support/moto';
import { startSlackServer, type SlackServer } from '../support/slack-server';
import { context, recordingLog, recordingMetrics } from './fakes';

const BUCKET = 'janitor-state';
const FROM = 'janitor@example.com';
const TO = 'platform@example.com';
const DAY_MS = 24 * 60 * 60 * 1000;

let moto: MotoServer;
let slack: SlackServer;
let clientConfig: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
};

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  slack = await startSlackServer();
  clientConfig = moto.clientConfig;
});

afterAll(async () => {
  await moto?.stop();
  await slack?.stop();
});

beforeEach(async () => {
  await moto.reset();
  slack.calls.length = 0;
});

function manifest(layerByte: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.dockerManifest,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 1500,
      digest: `sha256:${'a'.repeat(64)}`,
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 30_000_000,
        digest: `sha256:${layerByte.repeat(64)}`,
      },
    ],
  });
}

/** Pushes a manifest under its own digest, as a registry client would. */
async function push(ecr: ECRClient, body: string, tag?: string): Promise<string> {
  const imageDigest = sha256Digest(body);
  await ecr.send(
    new PutImageCommand({
      repositoryName: 'web',
      imageManifest: body,
      imageDigest,
      imageTag: tag,
      imageManifestMediaType: MEDIA_TYPES.dockerManifest,
    }),
  );
  return imageDigest;
}

/** Repository `web`: a tagged image to keep and an untagged one that is due. */
async function seedAccount() {
  const ecr = new ECRClient(clientConfig);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
  const keptDigest = await push(ecr, manifest('b'), 'v1');
  const dueDigest = await push(ecr, manifest('c'));
  await new S3Client({ ...clientConfig, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: BUCKET }),
  );
  await new SESClient(clientConfig).send(new VerifyEmailIdentityCommand({ EmailAddress: FROM }));
  return { ecr, keptDigest, dueDigest };
}

/** The token secret the deployment names, in moto's Secrets Manager. */
async function createTokenSecret(): Promise<string> {
  const secrets = new SecretsManagerClient(clientConfig);
  const created = await secrets.send(
    new CreateSecretCommand({ Name: 'ecr-janitor/slack', SecretString: 'xoxb-e2e-token' }),
  );
  return created.ARN!;
}

function handlerDeps(mode: 'report' | 'enforce', slackSecretArn?: string) {
  const env = {
    JANITOR_BUCKET: BUCKET,
    JANITOR_CONFIG: JSON.stringify({
      mode,
      repositories: ['web'],
      rules: { untaggedDays: 14 },
      notify: {
        email: { from: FROM, to: [TO] },
        ...(slackSecretArn ? { slack: { channel: '#platform' } } : {}),
      },
    }),
    JANITOR_REPORT_LINK_EXPIRY_SECONDS: '3600',
    JANITOR_DEPLOYMENT: 'E2E',
    ...(slackSecretArn ? { JANITOR_SLACK_TOKEN_SECRET_ARN: slackSecretArn } : {}),
  };
  const log = recordingLog();
  const metrics = recordingMetrics();
  const deps = {
    ...containerDeps(env, { ...clientConfig, forcePathStyle: true, slackApiUrl: slack.apiUrl }),
    // moto serves the ECR API but not the registry API that layer blobs come from.
    blobSource: () => undefined,
    log,
    metrics,
  };
  return { deps, log, metrics };
}

async function sentEmails(): Promise<string[]> {
  const response = await fetch(`${moto.endpoint}/moto-api/data.json`);
  const data = (await response.json()) as { ses?: Record<string, unknown[]> };
  return [...(data.ses?.Message ?? []), ...(data.ses?.RawMessage ?? [])].map((m) =>
    JSON.stringify(m),
  );
}

async function bucketObjects(): Promise<Record<string, string>> {
  const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const objects: Record<string, string> = {};
  for (const { Key } of listed.Contents ?? []) {
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    objects[Key!] = (await body.Body?.transformToString()) ?? '';
  }
  return objects;
}

describe('the deployed handler, end to end', () => {
  it('turns a scheduled event into deletions, an audit record and an emailed digest (enforce mode)', async () => {
    const { ecr, keptDigest, dueDigest } = await seedAccount();
    const { deps, metrics } = handlerDeps('enforce');
    const scheduledTime = new Date(Date.now() + 30 * DAY_MS).toISOString();

    const result = (await handleInvocation(
      { source: 'ecr-janitor.schedule', scheduledTime },
      context(),
      deps,
    )) as RunResult;

    expect(result).toMatchObject({ ok: true, trigger: 'schedule', dryRun: false });
    expect(result.totals.deletedCount).toBe(1);
    expect(result.deliveries).toEqual([{ channel: 'email', ok: true }]);
    expect(metrics.metrics.DeliveryFailures).toBe(0);

    const left = await ecr.send(new DescribeImagesCommand({ repositoryName: 'web' }));
    expect(left.imageDetails?.map((image) => image.imageDigest)).toEqual([keptDigest]);

    const objects = await bucketObjects();
    const audit = Object.entries(objects).filter(([key]) => /audit/i.test(key));
    expect(audit.map(([, body]) => body).join('\n')).toContain(dueDigest);
    expect(Object.keys(objects)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^reports\/.*\.html$/)]),
    );

    const emails = await sentEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toContain(FROM);
    expect(emails[0]).toContain(TO);
    expect(emails[0]).toContain('web');
  });

  it('changes nothing on a manual dry run of one repository, and still sends the digest', async () => {
    const { ecr, keptDigest, dueDigest } = await seedAccount();
    const { deps } = handlerDeps('enforce');

    const result = (await handleInvocation(
      {
        dryRun: true,
        repositories: ['web'],
        now: new Date(Date.now() + 30 * DAY_MS).toISOString(),
      },
      context(),
      deps,
    )) as RunResult;

    expect(result).toMatchObject({ ok: true, trigger: 'manual', dryRun: true });
    expect(result.totals.proposedDeletionCount).toBe(1);
    expect(result.totals.deletedCount).toBe(0);
    const left = await ecr.send(new DescribeImagesCommand({ repositoryName: 'web' }));
    expect(left.imageDetails?.map((image) => image.imageDigest).sort()).toEqual(
      [keptDigest, dueDigest].sort(),
    );
    expect(Object.keys(await bucketObjects()).filter((key) => /audit/i.test(key))).toEqual([]);
    expect(await sentEmails()).toHaveLength(1);
  });

  it('rejects a bad manual payload without touching the account', async () => {
    const { ecr } = await seedAccount();
    const { deps } = handlerDeps('enforce');

    const result = await handleInvocation({ dryRun: 'no', repositories: ['web'] }, context(), deps);

    expect(result).toMatchObject({ ok: false, error: { name: 'PayloadError' } });
    const left = await ecr.send(new DescribeImagesCommand({ repositoryName: 'web' }));
    expect(left.imageDetails).toHaveLength(2);
    expect(await sentEmails()).toEqual([]);
  });

  it('posts the digest to Slack with the bot token read from Secrets Manager', async () => {
    await seedAccount();
    const { deps } = handlerDeps('report', await createTokenSecret());

    const result = (await handleInvocation(
      { source: 'ecr-janitor.schedule', scheduledTime: new Date().toISOString() },
      context(),
      deps,
    )) as RunResult;

    expect(result.deliveries).toEqual(
      expect.arrayContaining([
        { channel: 'slack', ok: true },
        { channel: 'email', ok: true },
      ]),
    );
    const posts = slack.calls.filter((call) => call.method === 'chat.postMessage');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts[0].args.channel).toBe('#platform');
    expect(posts[0].authorization).toBe('Bearer xoxb-e2e-token');
  });
});
