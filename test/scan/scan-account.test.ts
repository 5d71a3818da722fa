import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  GetLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { scanAccount } from '../../lambda/scan/scan-account';
import { MemoryStore } from '../../lambda/util/store';
import {
  ACCOUNT,
  REGION,
  fakeEcr,
  image,
  imageManifest,
  scanOptions,
  type FakeRepository,
} from './fake-account';

const options = scanOptions;

/** Missing parts other than the workloads these tests do not hand clients for. */
function ecrMissing(inventory: { missing: { what: string }[] }) {
  return inventory.missing.filter((part) => part.what !== 'ecs' && part.what !== 'lambda');
}

function repository(name: string, count: number, extra: Partial<FakeRepository> = {}) {
  return { name, images: Array.from({ length: count }, () => image([10, 20])), ...extra };
}

describe('scanAccount', () => {
  it('reads every page of DescribeImages: 1,200 images come in two pages and all are scanned', async () => {
    const { client, mock } = fakeEcr([repository('big', 1200)]);

    const inventory = await scanAccount({ ecr: client }, options());

    const describeCalls = mock.commandCalls(DescribeImagesCommand);
    expect(describeCalls).toHaveLength(2);
    expect(describeCalls[0].args[0].input).toMatchObject({
      repositoryName: 'big',
      maxResults: 1000,
      filter: { imageStatus: 'ANY' },
    });
    expect(inventory.repositories[0].images).toHaveLength(1200);
    expect(Object.keys(inventory.manifests)).toHaveLength(1200);
    expect(ecrMissing(inventory)).toEqual([]);
  });

  it('fetches manifests in batches of at most 100 ids, accepting indexes and OCI manifests', async () => {
    const { client, mock } = fakeEcr([repository('big', 1200)]);

    await scanAccount({ ecr: client }, options());

    const batches = mock.commandCalls(BatchGetImageCommand).map((call) => call.args[0].input);
    expect(batches).toHaveLength(12);
    for (const batch of batches) {
      expect(batch.imageIds!.length).toBeLessThanOrEqual(100);
      expect(batch.acceptedMediaTypes).toEqual(
        expect.arrayContaining([
          'application/vnd.docker.distribution.manifest.v2+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.oci.image.index.v1+json',
        ]),
      );
    }
  });

  it('makes no BatchGetImage call on a second scan of an unchanged account', async () => {
    const { client, mock } = fakeEcr([repository('a', 150), repository('b', 3)]);
    const cache = new MemoryStore();

    const first = await scanAccount({ ecr: client }, options({ manifestCache: cache }));
    const callsAfterFirst = mock.commandCalls(BatchGetImageCommand).length;
    const second = await scanAccount({ ecr: client }, options({ manifestCache: cache }));

    expect(callsAfterFirst).toBe(3);
    expect(mock.commandCalls(BatchGetImageCommand)).toHaveLength(3);
    expect(second.manifests).toEqual(first.manifests);
  });

  it('fetches only the new images on a later scan', async () => {
    const repo = repository('a', 5);
    const { client, mock } = fakeEcr([repo]);
    const cache = new MemoryStore();
    await scanAccount({ ecr: client }, options({ manifestCache: cache }));

    const added = image([5]);
    repo.images.push(added);
    const { client: client2, mock: mock2 } = fakeEcr([repo]);
    const inventory = await scanAccount({ ecr: client2 }, options({ manifestCache: cache }));

    expect(mock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    const ids = mock2.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds);
    expect(ids).toEqual([[{ imageDigest: added.digest }]]);
    expect(inventory.manifests[added.digest]).toBe(added.body);
  });

  it('fetches again a cached manifest that no longer hashes to its digest', async () => {
    const repo = repository('a', 3);
    const { client, mock } = fakeEcr([repo]);
    const cache = new MemoryStore();
    await scanAccount({ ecr: client }, options({ manifestCache: cache }));
    const key = `manifests/${ACCOUNT}/${REGION}/a.json`;
    const entry = JSON.parse((await cache.get(key))!);
    const damaged = repo.images[1];
    entry.manifests[damaged.digest] = damaged.body.replace('"size": 10', '"size": 11');
    await cache.put(key, JSON.stringify(entry));

    const inventory = await scanAccount({ ecr: client }, options({ manifestCache: cache }));

    const ids = mock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds);
    expect(ids[1]).toEqual([{ imageDigest: damaged.digest }]);
    expect(inventory.manifests[damaged.digest]).toBe(damaged.body);
  });

  it('records a manifest whose body does not hash to its digest, and scans the rest', async () => {
    const good = image([1]);
    const bad = image([2]);
    const { client, bodies } = fakeEcr([{ name: 'a', images: [good, bad] }, repository('b', 2)]);
    bodies.set(bad.digest, bad.body.replace('"size": 2', '"size": 3'));

    const inventory = await scanAccount({ ecr: client }, options());

    expect(inventory.manifests[good.digest]).toBe(good.body);
    expect(inventory.manifests[bad.digest]).toBeUndefined();
    expect(inventory.repositories.map((r) => r.name)).toEqual(['a', 'b']);
    expect(ecrMissing(inventory)).toEqual([
      expect.objectContaining({
        repository: 'a',
        what: 'manifest',
        imageDigest: bad.digest,
        reason: expect.stringContaining('not to its digest'),
      }),
    ]);
  });

  it('reads the per-image failures of BatchGetImage', async () => {
    const present = image([1]);
    const gone = image([2]);
    const { client, bodies } = fakeEcr([{ name: 'a', images: [present, gone] }]);
    bodies.delete(gone.digest);

    const inventory = await scanAccount({ ecr: client }, options());

    expect(ecrMissing(inventory)).toEqual([
      {
        repository: 'a',
        what: 'manifest',
        imageDigest: gone.digest,
        reason: 'BatchGetImage failed: ImageNotFound (Requested image not found)',
      },
    ]);
    expect(inventory.repositories[0].images).toHaveLength(2);
  });

  it('names the repository that timed out in missing, and the others finish', async () => {
    const timeout = Object.assign(new Error('socket timed out after 30000 ms'), {
      name: 'TimeoutError',
    });
    const { client } = fakeEcr([
      repository('a', 3),
      repository('slow', 3, { failWith: timeout }),
      repository('z', 3),
    ]);
    const cache = new MemoryStore();

    const inventory = await scanAccount({ ecr: client }, options({ manifestCache: cache }));

    expect(inventory.repositories.map((r) => r.name)).toEqual(['a', 'z']);
    expect(ecrMissing(inventory)).toEqual([
      {
        repository: 'slow',
        what: 'repository',
        reason: 'TimeoutError: socket timed out after 30000 ms',
      },
    ]);
    const missed = JSON.parse((await cache.get(`scan/${ACCOUNT}/${REGION}/missed.json`))!);
    expect(missed.repositories).toEqual(['slow']);
  });

  it('stops starting repositories when the time budget runs low, and starts the next run with them', async () => {
    const repos = ['r1', 'r2', 'r3', 'r4', 'r5'].map((name) => repository(name, 2));
    const { client, mock } = fakeEcr(repos);
    const cache = new MemoryStore();
    let remainingMs = 10_000;
    mock.on(GetLifecyclePolicyCommand).callsFake(() => {
      remainingMs -= 4_000; // each repository costs 4 s of the budget
      throw Object.assign(new Error('none'), { name: 'LifecyclePolicyNotFoundException' });
    });

    const first = await scanAccount(
      { ecr: client },
      options({
        manifestCache: cache,
        concurrency: 1,
        remainingTimeMs: () => remainingMs,
        timeReserveMs: 1_000,
      }),
    );

    expect(first.repositories.map((r) => r.name)).toEqual(['r1', 'r2', 'r3']);
    expect(
      ecrMissing(first).map((m) => [(m as { repository?: string }).repository, m.what]),
    ).toEqual([
      ['r4', 'not-reached'],
      ['r5', 'not-reached'],
    ]);

    remainingMs = 9_000; // room for two repositories: the two missed last time come first
    const second = await scanAccount(
      { ecr: client },
      options({
        manifestCache: cache,
        concurrency: 1,
        remainingTimeMs: () => remainingMs,
        timeReserveMs: 1_000,
      }),
    );
    expect(second.repositories.map((r) => r.name)).toEqual(['r4', 'r5']);
  });

  it('counts archived images, with their storage class and archive time', async () => {
    const archivedAt = new Date('2026-06-01T00:00:00Z');
    const { client, mock } = fakeEcr([
      {
        name: 'a',
        images: [
          image([1], { tags: ['v1'] }),
          image([2], { status: 'ARCHIVED', lastArchivedAt: archivedAt }),
        ],
      },
    ]);

    const inventory = await scanAccount({ ecr: client }, options());

    expect(mock.commandCalls(DescribeImagesCommand)[0].args[0].input.filter).toEqual({
      imageStatus: 'ANY',
    });
    expect(inventory.repositories[0].images.map((i) => [i.storageClass, i.lastArchivedAt])).toEqual(
      [
        ['STANDARD', undefined],
        ['ARCHIVE', archivedAt.toISOString()],
      ],
    );
  });

  it('keeps the lifecycle policy text, and none when the repository has no policy', async () => {
    const policy = '{"rules":[]}';
    const { client } = fakeEcr([
      repository('with', 1, { lifecyclePolicyText: policy }),
      repository('without', 1),
    ]);

    const inventory = await scanAccount({ ecr: client }, options());

    expect(inventory.repositories.map((r) => [r.name, r.lifecyclePolicyText])).toEqual([
      ['with', policy],
      ['without', undefined],
    ]);
  });

  it('scans only repositories that match an include pattern and no exclude pattern', async () => {
    const { client, mock } = fakeEcr([
      repository('team/api', 1),
      repository('team/legacy', 1),
      repository('other', 1),
    ]);

    const inventory = await scanAccount(
      { ecr: client },
      options({ repositoryPatterns: ['team/*'], excludePatterns: ['*/legacy'] }),
    );

    expect(inventory.repositories.map((r) => r.name)).toEqual(['team/api']);
    expect(mock.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('takes the account and region from the repository ARNs', async () => {
    const { client } = fakeEcr([repository('a', 1)]);

    const inventory = await scanAccount({ ecr: client }, options());

    expect([inventory.accountId, inventory.region]).toEqual([ACCOUNT, REGION]);
  });

  it('maps image details into image records', async () => {
    const pushedAt = new Date('2026-03-04T05:06:07Z');
    const img = image([1], { tags: ['v2', 'latest'], pushedAt, sizeBytes: 12345 });
    const { client } = fakeEcr([{ name: 'a', images: [img] }]);

    const inventory = await scanAccount({ ecr: client }, options());

    expect(inventory.repositories[0].images[0]).toEqual({
      imageDigest: img.digest,
      tags: ['latest', 'v2'],
      manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      reportedSizeBytes: 12345,
      pushedAt: pushedAt.toISOString(),
      storageClass: 'STANDARD',
    });
  });

  it('sets subjectDigest of a referrer from its manifest when ECR does not report it', async () => {
    const subject = image([1], { tags: ['v1'] });
    const signature = imageManifest([5], { subject: subject.digest });
    const { client } = fakeEcr([{ name: 'a', images: [subject, { ...signature, tags: [] }] }]);

    const inventory = await scanAccount({ ecr: client }, options());

    const images = inventory.repositories[0].images;
    expect(images.find((i) => i.imageDigest === signature.digest)?.subjectDigest).toBe(
      subject.digest,
    );
  });

  it('says in missing that workloads were not scanned when no ECS or Lambda client is given', async () => {
    const { client } = fakeEcr([]);

    const inventory = await scanAccount({ ecr: client }, options());

    expect(inventory.missing.map((m) => m.what).sort()).toEqual(['ecs', 'lambda']);
  });

  it('refuses an external reference that is not an ECR image reference, before any call', async () => {
    const { client, mock } = fakeEcr([repository('a', 1)]);

    await expect(
      scanAccount({ ecr: client }, options({ externalReferences: ['api:v1', 'not a ref'] })),
    ).rejects.toThrow(/externalReferences\[1\].*"not a ref"/);
    expect(mock.calls()).toHaveLength(0);
  });
});
