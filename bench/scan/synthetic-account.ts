/**
 * A synthetic ECR account that answers the ECR JSON protocol (awsJson1_1)
 * from generated data: deterministic (seeded), with real manifest bodies
 * whose digests are their sha256, shared base layers, untagged images,
 * multi-arch indexes and lifecycle policies. Used by the scan benchmark and
 * by tests that need the real SDK stack (retries) against a local endpoint.
 */
import { createHash } from 'node:crypto';

const MEDIA = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};
export const SYNTHETIC_ACCOUNT_ID = '111122223333';
export const SYNTHETIC_REGION = 'us-east-1';
const INDEX_EVERY = 25;
const BASE_LAYER_SIZES = [29_000_000, 12_000_000, 4_000_000];

export interface SyntheticSpec {
  repositories: number;
  images: number;
  seed?: number;
}

/** Calls per operation, throttled answers apart. */
export type CallCounts = Record<string, number>;

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** mulberry32: a small seeded generator, so every run builds the same account. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Image counts per repository: mostly tens to a few hundred, a few with thousands; summing exactly to the total. */
export function imageCounts(spec: SyntheticSpec): number[] {
  const next = random(spec.seed ?? 42);
  const weights = Array.from({ length: spec.repositories }, (_, i) =>
    i % 97 === 0 ? 15 + next() * 10 : 0.2 + next() * 1.6,
  );
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * spec.images)));
  let rest = spec.images - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % counts.length) {
    if (rest > 0) {
      counts[i] += 1;
      rest -= 1;
    } else if (counts[i] > 1) {
      counts[i] -= 1;
      rest += 1;
    }
  }
  return counts;
}

interface Repo {
  name: string;
  count: number;
  digests?: string[];
}

export class SyntheticAccount {
  readonly repos: Repo[];
  private readonly byName = new Map<string, Repo>();
  counts: CallCounts = {};
  throttled = 0;
  /** Answer every n-th call with ThrottlingException (0: never). */
  throttleEvery = 0;
  /**
   * Calls per second above which calls are throttled, as ECR's own quotas
   * do (0: no limit). A token bucket holding one second's worth.
   */
  ratePerSecond = 0;
  private tokens = 0;
  private tokensAt = 0;
  /** Repositories whose DescribeImages never answers (a hung call), for timeout tests. */
  readonly hang = new Set<string>();
  private calls = 0;

  constructor(readonly spec: SyntheticSpec) {
    this.repos = imageCounts(spec).map((count, i) => ({
      name: `team-${String(i % 40).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`,
      count,
    }));
    for (const repo of this.repos) this.byName.set(repo.name, repo);
  }

  /** The fewest calls a complete scan can make: pages of both listings, lifecycle reads, and manifest batches. */
  minimumCalls(cached: boolean): CallCounts {
    const sum = (f: (repo: Repo) => number) => this.repos.reduce((s, r) => s + f(r), 0);
    return {
      DescribeRepositories: Math.max(1, Math.ceil(this.repos.length / 1000)),
      DescribeImages: sum((r) => Math.max(1, Math.ceil(r.count / 1000))),
      GetLifecyclePolicy: this.repos.length,
      BatchGetImage: cached ? 0 : sum((r) => Math.ceil(r.count / 100)),
    };
  }

  private manifest(repoIndex: number, repo: Repo, j: number): string {
    if (j % INDEX_EVERY === 0 && j + 2 < repo.count) {
      const children = [j + 1, j + 2].map((c, k) => {
        const body = this.manifest(repoIndex, repo, c);
        return {
          mediaType: MEDIA.manifest,
          size: Buffer.byteLength(body),
          digest: sha256(body),
          platform: { architecture: k === 0 ? 'amd64' : 'arm64', os: 'linux' },
        };
      });
      return JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: children });
    }
    const base = repoIndex % 30;
    const layers = [
      ...BASE_LAYER_SIZES.map((size, k) => ({ size, digest: sha256(`base-${base}-${k}`) })),
      {
        size: 1_000_000 + ((repoIndex * 7919 + j * 104729) % 50_000_000),
        digest: sha256(`deps-${repoIndex}-${j >> 3}`),
      },
      { size: 10_000 + ((j * 7907) % 5_000_000), digest: sha256(`app-${repoIndex}-${j}`) },
    ];
    return JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        config: {
          mediaType: MEDIA.config,
          size: 7000 + (j % 900),
          digest: sha256(`config-${repoIndex}-${j}`),
        },
        layers: layers.map((layer) => ({ mediaType: MEDIA.layer, ...layer })),
      },
      null,
      3,
    );
  }

  private digests(repo: Repo): string[] {
    if (!repo.digests) {
      const index = this.repos.indexOf(repo);
      repo.digests = Array.from({ length: repo.count }, (_, j) =>
        sha256(this.manifest(index, repo, j)),
      );
    }
    return repo.digests;
  }

  private detail(repo: Repo, j: number) {
    const isIndex = j % INDEX_EVERY === 0 && j + 2 < repo.count;
    const pushedAt = Date.UTC(2026, 0, 1) / 1000 + j * 3600;
    const detail: Record<string, unknown> = {
      registryId: SYNTHETIC_ACCOUNT_ID,
      repositoryName: repo.name,
      imageDigest: this.digests(repo)[j],
      imageSizeInBytes: 50_000_000 + (j % 1000) * 1000,
      imagePushedAt: pushedAt,
      imageManifestMediaType: isIndex ? MEDIA.index : MEDIA.manifest,
      imageStatus: j % 50 === 49 ? 'ARCHIVED' : 'ACTIVE',
    };
    if (j % 3 === 0) detail.imageTags = [`v${j}`];
    if (j % 7 === 0) detail.lastRecordedPullTime = pushedAt + 86400;
    return detail;
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      this.ratePerSecond,
      (this.tokensAt ? this.tokens : this.ratePerSecond) +
        ((now - (this.tokensAt || now)) / 1000) * this.ratePerSecond,
    );
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Answers one call as ECR would: `{ status, body }`, errors as `{ __type, message }`. */
  answer(operation: string, input: Record<string, unknown>): { status: number; body: unknown } {
    this.calls += 1;
    if (
      (this.throttleEvery && this.calls % this.throttleEvery === 0) ||
      (this.ratePerSecond && !this.takeToken())
    ) {
      this.throttled += 1;
      return error('ThrottlingException', 'Rate exceeded');
    }
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
    const start = Number(input.nextToken ?? 0);
    switch (operation) {
      case 'DescribeRepositories': {
        const size = Math.min(Number(input.maxResults ?? 100), 1000);
        const page = this.repos.slice(start, start + size);
        return ok({
          repositories: page.map((repo) => ({
            repositoryName: repo.name,
            repositoryArn: `arn:aws:ecr:${SYNTHETIC_REGION}:${SYNTHETIC_ACCOUNT_ID}:repository/${repo.name}`,
            registryId: SYNTHETIC_ACCOUNT_ID,
            repositoryUri: `${SYNTHETIC_ACCOUNT_ID}.dkr.ecr.${SYNTHETIC_REGION}.amazonaws.com/${repo.name}`,
            createdAt: Date.UTC(2025, 0, 1) / 1000,
          })),
          nextToken: start + size < this.repos.length ? String(start + size) : undefined,
        });
      }
      case 'DescribeImages': {
        const repo = this.byName.get(String(input.repositoryName));
        if (!repo) return error('RepositoryNotFoundException', 'repository not found');
        const size = Math.min(Number(input.maxResults ?? 100), 1000);
        const end = Math.min(start + size, repo.count);
        const imageDetails = [];
        for (let j = start; j < end; j += 1) imageDetails.push(this.detail(repo, j));
        return ok({ imageDetails, nextToken: end < repo.count ? String(end) : undefined });
      }
      case 'GetLifecyclePolicy': {
        const index = this.repos.findIndex((r) => r.name === input.repositoryName);
        if (index % 4 !== 0) {
          return error('LifecyclePolicyNotFoundException', 'Lifecycle policy does not exist');
        }
        return ok({
          registryId: SYNTHETIC_ACCOUNT_ID,
          repositoryName: input.repositoryName,
          lifecyclePolicyText: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                selection: {
                  tagStatus: 'untagged',
                  countType: 'sinceImagePushed',
                  countUnit: 'days',
                  countNumber: 14,
                },
                action: { type: 'expire' },
              },
            ],
          }),
        });
      }
      case 'BatchGetImage': {
        const ids = (input.imageIds as { imageDigest?: string }[]) ?? [];
        if (ids.length > 100) {
          return error('InvalidParameterException', 'imageIds: at most 100 ids per call');
        }
        const repoIndex = this.repos.findIndex((r) => r.name === input.repositoryName);
        const repo = this.repos[repoIndex];
        if (!repo) return error('RepositoryNotFoundException', 'repository not found');
        const positions = new Map(this.digests(repo).map((d, j) => [d, j]));
        const images = [];
        const failures = [];
        for (const id of ids) {
          const j = positions.get(id.imageDigest ?? '');
          if (j === undefined) {
            failures.push({
              imageId: id,
              failureCode: 'ImageNotFound',
              failureReason: 'Requested image not found',
            });
            continue;
          }
          const body = this.manifest(repoIndex, repo, j);
          images.push({
            registryId: SYNTHETIC_ACCOUNT_ID,
            repositoryName: repo.name,
            imageId: { imageDigest: id.imageDigest },
            imageManifest: body,
            imageManifestMediaType: JSON.parse(body).mediaType,
          });
        }
        return ok({ images, failures });
      }
      default:
        return error(
          'UnknownOperationException',
          `${operation} is not served by the synthetic account`,
        );
    }
  }
}

function ok(body: unknown) {
  return { status: 200, body };
}

function error(type: string, message: string) {
  return { status: 400, body: { __type: type, message } };
}
