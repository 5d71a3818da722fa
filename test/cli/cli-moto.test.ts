/**
 * The command line against a real AWS endpoint on loopback (moto_server),
 * as a user runs it with their own credentials: report, then apply --yes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';
import type { Digest } from '../../lambda/model/digest';
import { startMoto, type MotoServer } from '../support/moto';

const ROOT = join(__dirname, '..', '..');
const REPOSITORY = 'team/app';
let moto: MotoServer;
let ecr: ECRClient;
const work = mkdtempSync(join(tmpdir(), 'cli-moto-'));

function manifest(i: number): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.dockerManifest,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 1000 + i,
      digest: sha256Digest(`config ${i}`),
    },
    layers: [
      // every image shares the base layer; each adds its own app layer
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 40_000_000,
        digest: sha256Digest('base'),
      },
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 2_000_000 + i,
        digest: sha256Digest(`app ${i}`),
      },
    ],
  });
}

function cli(args: string[]) {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: work,
      AWS_EC2_METADATA_DISABLED: 'true',
      ...moto.env,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  ecr = new ECRClient(moto.clientConfig);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  for (let i = 0; i < 4; i++) {
    const body = manifest(i);
    await ecr.send(
      new PutImageCommand({
        repositoryName: REPOSITORY,
        imageManifest: body,
        imageDigest: sha256Digest(body),
        imageTag: `v${i}`,
      }),
    );
  }
});

afterAll(async () => {
  ecr?.destroy();
  await moto?.stop();
});

describe('ecr-janitor against a local AWS endpoint', () => {
  it('reports stored bytes from distinct blobs, and reads no layer from the real ECR host', () => {
    const { code, stdout, stderr } = cli([
      'report',
      '--format',
      'json',
      '--state-dir',
      join(work, 'state'),
    ]);
    expect(code).toBe(0);
    const digest = JSON.parse(stdout) as Digest;
    const repository = digest.repositories.find((r) => r.name === REPOSITORY);
    // one shared 40 MB base, four app layers and four configs
    expect(repository?.storedBytes).toBe(40_000_000 + 4 * 2_000_000 + 6 + 4 * 1000 + 6);
    expect(digest.partial).toBe(false);
    expect(stderr).toContain('layer analysis skipped');
    expect(stderr).not.toContain('fetch failed');
  });

  it('deletes with apply --yes what the configuration says, and nothing else', async () => {
    const config = join(work, 'janitor.yaml');
    writeFileSync(
      config,
      'rules:\n  keepLast:\n    - tagPattern: "v*"\n      count: 2\n  protectTags: ["v0"]\n',
    );
    const { code, stderr } = cli([
      'apply',
      '--yes',
      '--config',
      config,
      '--state-dir',
      join(work, 'state'),
    ]);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const left = await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }));
    const tags = (left.imageDetails ?? []).flatMap((d) => d.imageTags ?? []).sort();
    // keep the two newest, v0 is protected; which two are "newest" moto cannot say
    // (it gives every image the same push time), so only the count is checked
    expect(tags).toHaveLength(3);
    expect(tags).toContain('v0');
  });
});
