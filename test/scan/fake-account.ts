/**
 * A fake ECR account for unit tests: aws-sdk-client-mock on a real client
 * instance, answering from plain data with ECR's paging and per-call limits.
 */
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ScanOptions } from '../../lambda/scan/scan-account';
import { silentLog } from '../../lambda/util/log';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface FakeImage {
  digest: string;
  body: string;
  tags?: string[];
  pushedAt?: Date;
  sizeBytes?: number;
  status?: 'ACTIVE' | 'ARCHIVED';
  lastArchivedAt?: Date;
  subject?: string;
  mediaType?: string;
}

export interface FakeRepository {
  name: string;
  images: FakeImage[];
  lifecyclePolicyText?: string;
  /** An error DescribeImages throws for this repository. */
  failWith?: Error;
}

let counter = 0;

/** A real Docker v2 image manifest body with the given layer sizes, and its digest. */
export function imageManifest(
  layerSizes: number[],
  options: { configSize?: number; layerDigests?: string[]; subject?: string; seed?: string } = {},
): { digest: string; body: string } {
  const seed = options.seed ?? `m${(counter += 1)}`;
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: options.subject ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: options.configSize ?? 1000,
      digest: sha256Digest(`config-${seed}`),
    },
    layers: layerSizes.map((size, i) => ({
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size,
      digest: options.layerDigests?.[i] ?? sha256Digest(`layer-${seed}-${i}`),
    })),
  };
  if (options.subject) {
    manifest.subject = { mediaType: MEDIA_TYPES.ociManifest, digest: options.subject, size: 100 };
  }
  const body = JSON.stringify(manifest, null, 3);
  return { digest: sha256Digest(body), body };
}

/** A real OCI image index body over the given children. */
export function imageIndex(children: { digest: string; body: string; arch: string }[]) {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: children.map((child) => ({
      mediaType: MEDIA_TYPES.dockerManifest,
      size: Buffer.byteLength(child.body),
      digest: child.digest,
      platform: { os: 'linux', architecture: child.arch },
    })),
  });
  return { digest: sha256Digest(body), body };
}

export function image(layerSizes: number[], extra: Partial<FakeImage> = {}): FakeImage {
  const { digest, body } = imageManifest(layerSizes);
  return { digest, body, tags: [], ...extra };
}

function detail(repository: string, img: FakeImage): ImageDetail {
  return {
    registryId: ACCOUNT,
    repositoryName: repository,
    imageDigest: img.digest,
    imageTags: img.tags?.length ? img.tags : undefined,
    imagePushedAt: img.pushedAt ?? new Date('2026-01-01T00:00:00Z'),
    imageSizeInBytes: img.sizeBytes ?? 1,
    imageManifestMediaType: img.mediaType ?? MEDIA_TYPES.dockerManifest,
    imageStatus: img.status ?? 'ACTIVE',
    lastArchivedAt: img.lastArchivedAt,
    subjectManifestDigest: img.subject,
  };
}

function page<T>(items: T[], token: string | undefined, size: number) {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? String(end) : undefined,
  };
}

/**
 * The fake. `bodies` can be changed to serve a different body than the
 * digest names (a damaged answer).
 */
export function fakeEcr(repositories: FakeRepository[]) {
  const client = new ECRClient({
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const mock = mockClient(client);
  const byName = new Map(repositories.map((repository) => [repository.name, repository]));
  const bodies = new Map<string, string>();
  for (const repository of repositories) {
    for (const img of repository.images) bodies.set(img.digest, img.body);
  }

  mock.on(DescribeRepositoriesCommand).callsFake((input) => {
    const { items, nextToken } = page(repositories, input.nextToken, input.maxResults ?? 100);
    return {
      repositories: items.map((repository) => ({
        repositoryName: repository.name,
        repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository.name}`,
        repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${repository.name}`,
        registryId: ACCOUNT,
        createdAt: new Date('2025-01-01T00:00:00Z'),
      })),
      nextToken,
    };
  });
  mock.on(DescribeImagesCommand).callsFake((input) => {
    const repository = byName.get(input.repositoryName);
    if (!repository)
      throw Object.assign(new Error('no such repository'), { name: 'RepositoryNotFoundException' });
    if (repository.failWith) throw repository.failWith;
    const visible = repository.images.filter(
      (img) => input.filter?.imageStatus === 'ANY' || (img.status ?? 'ACTIVE') === 'ACTIVE',
    );
    const { items, nextToken } = page(visible, input.nextToken, input.maxResults ?? 100);
    return { imageDetails: items.map((img) => detail(repository.name, img)), nextToken };
  });
  mock.on(GetLifecyclePolicyCommand).callsFake((input) => {
    const text = byName.get(input.repositoryName)?.lifecyclePolicyText;
    if (text === undefined) {
      throw Object.assign(new Error('Lifecycle policy does not exist'), {
        name: 'LifecyclePolicyNotFoundException',
      });
    }
    return { repositoryName: input.repositoryName, lifecyclePolicyText: text };
  });
  mock.on(BatchGetImageCommand).callsFake((input) => {
    if (input.imageIds.length > 100) throw new Error('BatchGetImage takes at most 100 ids');
    const repository = byName.get(input.repositoryName);
    const images = [];
    const failures = [];
    for (const id of input.imageIds) {
      const known = repository?.images.some((img) => img.digest === id.imageDigest);
      const body = bodies.get(id.imageDigest);
      if (known && body !== undefined) {
        images.push({ imageId: { imageDigest: id.imageDigest }, imageManifest: body });
      } else {
        failures.push({
          imageId: { imageDigest: id.imageDigest },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        });
      }
    }
    return { images, failures };
  });
  return { client, mock, bodies };
}

export function callsOf(mock: ReturnType<typeof fakeEcr>['mock'], command: unknown) {
  return mock.commandCalls(command as typeof BatchGetImageCommand);
}

/** Scan options for tests: every repository, no cache, judged at a fixed instant. */
export function scanOptions(extra: Partial<ScanOptions> = {}): ScanOptions {
  return {
    repositoryPatterns: ['*'],
    excludePatterns: [],
    externalReferences: [],
    log: silentLog,
    now: () => new Date('2026-12-01T00:00:00Z'),
    ...extra,
  };
}

/** A Lambda client that lists no functions. */
export function emptyLambda(): LambdaClient {
  const client = new LambdaClient({ region: REGION, credentials: TEST_CREDENTIALS });
  mockClient(client).on(ListFunctionsCommand).resolves({ Functions: [] });
  return client;
}
