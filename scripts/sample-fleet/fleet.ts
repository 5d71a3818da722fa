/**
 * The sample fleet's repositories. Each one shows a situation the janitor
 * must handle: CI bursts, release tags, untagged leftovers, workloads pinned
 * to old images by tag and by digest, a multi-arch index with children and
 * an attestation, signatures, archived images, a lifecycle policy that never
 * fires, and an empty repository.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InUseReference, RepositoryRecord } from '../../lambda/model/inventory';
import { readLocalImage } from '../../lambda/layers/local-image';
import type { LayerSummary } from '../../lambda/model/layer';
import { MEDIA_TYPES } from '../../lambda/model/manifest';
import {
  cudaDevel,
  golangFull,
  nginxAlpine,
  nodeAlpine,
  nodeFull,
  nop,
  pythonFull,
  pythonSlim,
  sh,
} from './bases';
import {
  contentHash,
  DAY_MS,
  DocumentStore,
  imageRecord,
  layerBlob,
  MB,
  seededRandom,
  type Blob,
  type HistoryStep,
} from './build';

const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

export interface Fleet {
  repositories: RepositoryRecord[];
  documents: DocumentStore;
  inUse: InUseReference[];
  layerSummaries: Record<string, LayerSummary>;
}

interface Build {
  steps: HistoryStep[];
  pushedAt: Date;
  tags: string[];
  lastPulledAt?: Date;
}

export async function buildFleet(now: Date, seed: number): Promise<Fleet> {
  const random = seededRandom(seed);
  const documents = new DocumentStore();
  const inUse: InUseReference[] = [];
  const repositories: RepositoryRecord[] = [];
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const jitterMb = (mb: number) => Math.round(mb * (0.9 + random() * 0.2) * MB);

  /** Pushes single-platform images built from history steps. */
  function repository(name: string, builds: Build[], lifecyclePolicyText?: string) {
    const images = builds.map((build) => {
      const config = documents.config(build.steps, build.pushedAt.toISOString());
      const layers = build.steps.flatMap((step) => (step.layer ? [step.layer] : []));
      const manifest = documents.manifest(config, layers);
      const reported = layers.reduce((sum, layer) => sum + layer.sizeBytes, 0);
      return imageRecord(
        manifest,
        MEDIA_TYPES.dockerManifest,
        build.tags,
        reported,
        build.pushedAt,
        {
          lastPulledAt: build.lastPulledAt?.toISOString(),
        },
      );
    });
    const record: RepositoryRecord = {
      name,
      arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`,
      uri: `${REGISTRY}/${name}`,
      createdAt: daysAgo(400).toISOString(),
      lifecyclePolicyText,
      images,
    };
    repositories.push(record);
    return record;
  }

  function use(
    repository: string,
    ref: { tag?: string; digest?: string },
    source: InUseReference['source'],
  ) {
    const suffix = ref.digest ? `@${ref.digest}` : `:${ref.tag}`;
    inUse.push({ imageRef: `${REGISTRY}/${repository}${suffix}`, repository, ...ref, source });
  }

  /** `count` builds spread over `spanDays`, oldest first. */
  function ciBuilds(count: number, spanDays: number, make: (i: number) => Omit<Build, 'pushedAt'>) {
    return Array.from({ length: count }, (_, i) => ({
      ...make(i),
      pushedAt: daysAgo(spanDays * (1 - i / count) + random() * 0.5),
    }));
  }

  // shop/api: node full base, `COPY . .` before `npm install`, so every build
  // ships its own dependency layer. 60 CI builds with some release tags; the
  // ECS service pins the 12th newest by digest.
  const api = repository(
    'shop/api',
    ciBuilds(60, 120, (i) => ({
      tags: [`sha-${hex(7)}`, ...(i % 12 === 5 ? [`v2.${Math.floor(i / 12)}.0`] : [])],
      lastPulledAt: daysAgo(Math.max(0.5, (60 - i) * 1.5)),
      steps: [
        ...nodeFull,
        { createdBy: nop('WORKDIR /app'), layer: layerBlob('api-workdir', 93) },
        {
          createdBy: `/bin/sh -c #(nop) COPY dir:${contentHash('app-src')} in /app `,
          layer: layerBlob(`api-src-${i}`, jitterMb(9)),
        },
        { createdBy: sh('npm install'), layer: layerBlob(`api-deps-${i}`, jitterMb(88)) },
        { createdBy: nop('EXPOSE 8080') },
        { createdBy: nop('CMD ["node" "server.js"]') },
      ],
    })),
  );
  const apiPinned = api.images[api.images.length - 12];
  use('shop/api', { digest: apiPinned.imageDigest }, { kind: 'ecs-service', id: 'prod/api' });
  use(
    'shop/api',
    { tag: api.images[api.images.length - 1].tags[0] },
    { kind: 'ecs-service', id: 'staging/api' },
  );

  // shop/web: a lean multi-stage build; one protected production tag, then a
  // burst of pull-request builds.
  repository(
    'shop/web',
    ciBuilds(45, 75, (i) => ({
      tags: i === 0 ? ['prod-2026-09-28'] : [`pr-${1400 + i}`],
      lastPulledAt: i === 0 ? daysAgo(0.5) : daysAgo(70 - i * 1.5),
      steps: [
        ...nginxAlpine,
        {
          createdBy: 'COPY /app/dist /usr/share/nginx/html # buildkit',
          layer: layerBlob(`web-dist-${i}`, jitterMb(2.5)),
          comment: 'buildkit.dockerfile.v0',
        },
      ],
    })),
  );

  // shop/worker: a Lambda container function runs v3; 22 newer versions.
  repository(
    'shop/worker',
    ciBuilds(25, 150, (i) => ({
      tags: [`v${i + 1}`],
      steps: [
        ...pythonSlim,
        { createdBy: 'WORKDIR /var/task', layer: layerBlob('worker-workdir', 93) },
        {
          createdBy: 'COPY requirements.txt . # buildkit',
          layer: layerBlob(`worker-req-${Math.floor(i / 5)}`, 600),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit',
          layer: layerBlob(`worker-deps-${Math.floor(i / 5)}`, jitterMb(34)),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'COPY . . # buildkit',
          layer: layerBlob(`worker-src-${i}`, jitterMb(1.2)),
          comment: 'buildkit.dockerfile.v0',
        },
        { createdBy: 'CMD ["app.handler"]', comment: 'buildkit.dockerfile.v0' },
      ],
    })),
  );
  use(
    'shop/worker',
    { tag: 'v3' },
    { kind: 'lambda-function', id: 'arn:aws:lambda:eu-west-1:123456789012:function:order-worker' },
  );

  // billing/svc: Go built in a single stage; two ECS services still run old tags.
  repository(
    'billing/svc',
    ciBuilds(52, 200, (i) => ({
      tags: [`1.${i}`],
      steps: [
        ...golangFull,
        { createdBy: nop('WORKDIR /src') },
        {
          createdBy: `/bin/sh -c #(nop) COPY dir:${contentHash('billing-src')} in /src `,
          layer: layerBlob(`billing-src-${i}`, jitterMb(14)),
        },
        {
          createdBy: sh('go build -o /usr/local/bin/billing ./cmd/billing'),
          layer: layerBlob(`billing-build-${i}`, jitterMb(160)),
        },
        { createdBy: nop('CMD ["billing"]') },
      ],
    })),
  );
  use('billing/svc', { tag: '1.4' }, { kind: 'ecs-service', id: 'prod/billing-legacy' });
  use('billing/svc', { tag: '1.9' }, { kind: 'ecs-service', id: 'prod/billing-eu' });

  // platform/base: multi-arch indexes with attestations.
  platformBase();

  // ml/inference: CUDA devel image (compiler and headers in the final image).
  repository(
    'ml/inference',
    ciBuilds(8, 60, (i) => ({
      tags: i === 7 ? ['prod', `exp-${i}`] : [`exp-${i}`],
      lastPulledAt: i === 7 ? daysAgo(0.2) : daysAgo(50 - i * 6),
      steps: [
        ...cudaDevel,
        {
          createdBy: 'RUN /bin/sh -c pip install torch==2.2.1 transformers==4.38.2 # buildkit',
          layer: layerBlob(`ml-torch-${Math.floor(i / 4)}`, jitterMb(2400)),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'COPY . /srv # buildkit',
          layer: layerBlob(`ml-src-${i}`, jitterMb(45)),
          comment: 'buildkit.dockerfile.v0',
        },
        { createdBy: 'CMD ["python3" "/srv/serve.py"]', comment: 'buildkit.dockerfile.v0' },
      ],
    })),
  );

  // legacy/reports: old builds nobody pulls; the policy selects a prefix no tag has.
  const legacy = repository(
    'legacy/reports',
    ciBuilds(30, 240, (i) => ({
      tags: [`sha-${hex(7)}`],
      lastPulledAt: i > 26 ? daysAgo(200) : undefined,
      steps: [
        ...nodeFull,
        { createdBy: nop('WORKDIR /app') },
        {
          createdBy: `/bin/sh -c #(nop) COPY dir:${contentHash('reports-src')} in /app `,
          layer: layerBlob(`reports-src-${i}`, jitterMb(4)),
        },
        {
          createdBy: sh('npm install && npm cache clean --force'),
          layer: layerBlob(`reports-deps-${Math.floor(i / 10)}`, jitterMb(60)),
        },
      ],
    })).map((build) => ({ ...build, pushedAt: new Date(build.pushedAt.getTime() - 180 * DAY_MS) })),
    JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'expire old snapshots',
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['SNAPSHOT-'],
            countType: 'imageCountMoreThan',
            countNumber: 5,
          },
          action: { type: 'expire' },
        },
      ],
    }),
  );
  for (const image of legacy.images.slice(0, 6)) {
    image.storageClass = 'ARCHIVE';
    image.lastArchivedAt = new Date(
      new Date(image.pushedAt).getTime() + 120 * DAY_MS,
    ).toISOString();
  }

  // finance/report: used only by a monthly scheduled task, never by a service.
  const report = repository(
    'finance/report',
    ciBuilds(10, 180, (i) => ({
      tags: [`2026.${i + 1}`],
      steps: [
        ...pythonFull,
        { createdBy: nop('WORKDIR /app') },
        {
          createdBy: `/bin/sh -c #(nop) COPY file:${contentHash('requirements')} in /app/requirements.txt `,
          layer: layerBlob(`report-req-${Math.floor(i / 3)}`, 700),
        },
        {
          createdBy: sh('pip install -r requirements.txt'),
          layer: layerBlob(`report-deps-${Math.floor(i / 3)}`, jitterMb(140)),
        },
        {
          createdBy: `/bin/sh -c #(nop) COPY dir:${contentHash('report-src')} in /app `,
          layer: layerBlob(`report-src-${i}`, jitterMb(3)),
        },
      ],
    })),
  );
  use(
    'finance/report',
    { digest: report.images[4].imageDigest },
    { kind: 'ecs-scheduled-task', id: 'rule finance-monthly-report' },
  );

  // tools/ci-runner: tags move to newer builds, leaving untagged leftovers.
  repository(
    'tools/ci-runner',
    ciBuilds(40, 90, (i) => ({
      tags: i >= 36 ? [i === 39 ? 'latest' : `build-${i}`] : i % 3 === 0 ? [`build-${i}`] : [],
      steps: [
        ...golangFull,
        {
          createdBy: sh('apt-get update && apt-get install -y docker.io jq unzip'),
          layer: layerBlob(`ci-tools-${Math.floor(i / 8)}`, jitterMb(120)),
        },
        {
          createdBy: `/bin/sh -c #(nop) COPY file:${contentHash('runner')} in /usr/local/bin/runner `,
          layer: layerBlob(`ci-runner-${i}`, jitterMb(18)),
        },
      ],
    })),
  );

  // data/etl: pip without --no-cache-dir on the full Python image.
  repository(
    'data/etl',
    ciBuilds(25, 100, (i) => ({
      tags: [`etl-${hex(6)}`, ...(i === 24 ? ['stable'] : [])],
      lastPulledAt: daysAgo(Math.max(1, 100 - i * 4)),
      steps: [
        ...pythonFull,
        { createdBy: 'WORKDIR /etl', comment: 'buildkit.dockerfile.v0' },
        {
          createdBy: 'COPY . . # buildkit',
          layer: layerBlob(`etl-src-${i}`, jitterMb(12)),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit',
          layer: layerBlob(`etl-deps-${i}`, jitterMb(210)),
          comment: 'buildkit.dockerfile.v0',
        },
      ],
    })),
  );

  // security/auth: node on Alpine; the newest ten builds are signed.
  const auth = repository(
    'security/auth',
    ciBuilds(20, 60, (i) => ({
      tags: [`v1.${i}.0`],
      steps: [
        ...nodeAlpine,
        { createdBy: 'WORKDIR /srv', comment: 'buildkit.dockerfile.v0' },
        {
          createdBy: 'COPY package.json package-lock.json ./ # buildkit',
          layer: layerBlob(`auth-lock-${Math.floor(i / 4)}`, 120_000),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'RUN /bin/sh -c npm ci --omit=dev # buildkit',
          layer: layerBlob(`auth-deps-${Math.floor(i / 4)}`, jitterMb(22)),
          comment: 'buildkit.dockerfile.v0',
        },
        {
          createdBy: 'COPY . . # buildkit',
          layer: layerBlob(`auth-src-${i}`, jitterMb(0.8)),
          comment: 'buildkit.dockerfile.v0',
        },
      ],
    })),
  );
  for (const image of auth.images.slice(10)) {
    const subject = {
      digest: image.imageDigest,
      sizeBytes: Buffer.byteLength(documents.manifests[image.imageDigest]),
    };
    const signature = documents.referrer(
      subject,
      'application/vnd.dev.cosign.artifact.sig.v1+json',
      layerBlob(`sig-${image.imageDigest}`, 256),
    );
    auth.images.push(
      imageRecord(
        signature,
        MEDIA_TYPES.ociManifest,
        [],
        1500,
        new Date(new Date(image.pushedAt).getTime() + 60_000),
        {
          artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          subjectDigest: image.imageDigest,
        },
      ),
    );
  }

  // frontend/assets: small, well-built images.
  repository(
    'frontend/assets',
    ciBuilds(15, 45, (i) => ({
      tags: [`assets-${i}`, ...(i === 14 ? ['latest'] : [])],
      steps: [
        ...nginxAlpine,
        {
          createdBy: 'COPY dist/ /usr/share/nginx/html/ # buildkit',
          layer: layerBlob(`assets-${i}`, jitterMb(6)),
          comment: 'buildkit.dockerfile.v0',
        },
      ],
    })),
  );

  // sandbox/empty: a repository with no images at all.
  repository('sandbox/empty', []);

  // imported/third-party: images whose configs are real public image configs.
  await importedConfigs();

  // tools/dive-demo: real image archives, with their real configs, layer
  // digests and sizes, and the layer contents summarised for bloat analysis.
  const layerSummaries: Record<string, LayerSummary> = {};
  await diveImages(layerSummaries);

  return { repositories, documents, inUse, layerSummaries };

  async function diveImages(summaries: Record<string, LayerSummary>) {
    const folder = join(__dirname, '..', '..', 'test', 'fixtures', 'images', 'dive');
    const archives: [string, string, number][] = [
      ['test-docker-image.tar', 'docker-save', 40],
      ['test-kaniko-image.tar', 'kaniko', 30],
      ['test-oci-gzip-image.tar', 'oci-gzip', 20],
      ['test-oci-zstd-image.tar', 'oci-zstd', 10],
    ];
    const images: RepositoryRecord['images'] = [];
    for (const [file, tag, ageDays] of archives) {
      const image = await readLocalImage(join(folder, file));
      documents.manifests[image.manifestDigest] = image.manifest;
      documents.configs[image.configDigest] = image.config;
      for (const summary of image.summaries) summaries[summary.digest] = summary;
      const reported = image.layers.reduce((sum, layer) => sum + layer.sizeBytes, 0);
      const mediaType = (JSON.parse(image.manifest) as { mediaType?: string }).mediaType;
      images.push(
        imageRecord(
          { digest: image.manifestDigest, sizeBytes: Buffer.byteLength(image.manifest) },
          mediaType ?? MEDIA_TYPES.ociManifest,
          [tag],
          reported,
          daysAgo(ageDays),
        ),
      );
    }
    repositories.push({
      name: 'tools/dive-demo',
      arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/tools/dive-demo`,
      uri: `${REGISTRY}/tools/dive-demo`,
      createdAt: daysAgo(400).toISOString(),
      images,
    });
  }

  function platformBase() {
    const images: RepositoryRecord['images'] = [];
    const push = (
      blob: Blob,
      mediaType: string,
      tags: string[],
      reported: number,
      pushedAt: Date,
    ) => images.push(imageRecord(blob, mediaType, tags, reported, pushedAt));
    const platformImage = (release: string, architecture: string, pushedAt: Date) => {
      const steps: HistoryStep[] = [
        {
          createdBy: `ADD rootfs-${architecture}.tar / # buildkit`,
          layer: layerBlob(
            `base-rootfs-${architecture}-${release}`,
            architecture === 'amd64' ? 300 * MB : 280 * MB,
          ),
          comment: 'buildkit.dockerfile.v0',
        },
        { createdBy: 'CMD ["/bin/bash"]', comment: 'buildkit.dockerfile.v0' },
      ];
      const config = documents.config(steps, pushedAt.toISOString(), architecture);
      const manifest = documents.manifest(
        config,
        steps.flatMap((s) => (s.layer ? [s.layer] : [])),
      );
      push(manifest, MEDIA_TYPES.dockerManifest, [], steps[0].layer!.sizeBytes, pushedAt);
      return manifest;
    };
    const attestation = (of: Blob, pushedAt: Date) => {
      const statement = documents.putConfig(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: of.digest }),
      );
      const manifest = documents.manifest(statement, [
        layerBlob(`provenance-${of.digest}`, 14_000),
      ]);
      push(manifest, MEDIA_TYPES.dockerManifest, [], 14_000, pushedAt);
      return manifest;
    };
    const release = (tags: string[], ageDays: number, children: Blob[]) => {
      const pushedAt = daysAgo(ageDays);
      const index = documents.index(
        children.map((blob, i) => ({
          blob,
          platform:
            i === 0
              ? { os: 'linux', architecture: 'amd64' }
              : i === 1
                ? { os: 'linux', architecture: 'arm64' }
                : { os: 'unknown', architecture: 'unknown' },
          attestationOf: i === 2 ? children[0] : undefined,
        })),
      );
      push(index, MEDIA_TYPES.ociIndex, tags, 300 * MB, pushedAt);
    };
    // 1.0.0 and 1.0.1 share their arm64 child; older nightlies are untagged.
    const sharedArm = platformImage('1.0', 'arm64', daysAgo(60));
    release(['1.0.0'], 60, [platformImage('1.0.0', 'amd64', daysAgo(60)), sharedArm]);
    release(['1.0.1'], 45, [platformImage('1.0.1', 'amd64', daysAgo(45)), sharedArm]);
    for (const age of [30, 21, 14]) {
      const amd = platformImage(`nightly-${age}`, 'amd64', daysAgo(age));
      release([], age, [
        amd,
        platformImage(`nightly-${age}`, 'arm64', daysAgo(age)),
        attestation(amd, daysAgo(age)),
      ]);
    }
    const amd = platformImage('latest', 'amd64', daysAgo(9));
    release(['latest', '1.1.0'], 9, [
      amd,
      platformImage('latest', 'arm64', daysAgo(9)),
      attestation(amd, daysAgo(9)),
    ]);
    repositories.push({
      name: 'platform/base',
      arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/platform/base`,
      uri: `${REGISTRY}/platform/base`,
      createdAt: daysAgo(400).toISOString(),
      images: images.sort((a, b) => a.pushedAt.localeCompare(b.pushedAt)),
    });
  }

  async function importedConfigs() {
    const folder = join(__dirname, '..', '..', 'test', 'fixtures', 'images', 'configs');
    const sources: [string, string, number][] = [
      ['node-10.4.0-dockergoof.json', 'dockergoof', 380],
      ['anchore-engine-0.8.1-multistage.json', 'anchore-engine-0.8.1', 290],
      ['alpine-apk-add-no-cache-flag.json', 'apk-tools', 9],
      ['debian-apt-update-upgrade.json', 'apt-upgrade', 70],
    ];
    const images: RepositoryRecord['images'] = [];
    for (const [file, tag, totalMb] of sources) {
      const body = (await readFile(join(folder, file), 'utf8')).trimEnd();
      const config = documents.putConfig(body);
      const diffIds = (JSON.parse(body) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
      // Layer blob sizes are not in a config; spread the image's known size over its layers.
      const layers = diffIds.map((diffId, i) =>
        layerBlob(
          `${tag}-${diffId}`,
          Math.round((i === 0 ? 0.5 : 0.5 / (diffIds.length - 1 || 1)) * totalMb * MB),
        ),
      );
      const manifest = documents.manifest(config, layers);
      images.push(
        imageRecord(
          manifest,
          MEDIA_TYPES.dockerManifest,
          [tag],
          totalMb * MB,
          daysAgo(20 + images.length * 10),
        ),
      );
    }
    repositories.push({
      name: 'imported/third-party',
      arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/imported/third-party`,
      uri: `${REGISTRY}/imported/third-party`,
      createdAt: daysAgo(400).toISOString(),
      images,
    });
  }
}
