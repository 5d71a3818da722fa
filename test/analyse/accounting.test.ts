import {
  FleetAccount,
  ManifestIndex,
  RepositoryBlobs,
  imageBlobs,
  monthlyCostUsd,
} from '../../lambda/analyse/accounting';
import type { ImageRecord, RepositoryRecord } from '../../lambda/model/inventory';
import { sha256Digest } from '../../lambda/model/manifest';
import { imageIndex, imageManifest } from '../scan/fake-account';

const MB = 1_000_000;

function record(digest: string, reportedSizeBytes: number, tags: string[] = []): ImageRecord {
  return {
    imageDigest: digest,
    tags,
    manifestMediaType: '',
    reportedSizeBytes,
    pushedAt: '2026-01-01T00:00:00.000Z',
    storageClass: 'STANDARD',
  };
}

/** Ten tags over one 400 MB base layer, 20 MB each on top (as ECR reports them: 420 MB each). */
function sharedBaseRepository() {
  const base = sha256Digest('base');
  const manifests = Array.from({ length: 10 }, (_, i) =>
    imageManifest([400 * MB, 20 * MB], {
      configSize: 0,
      layerDigests: [base, sha256Digest(`top ${i}`)],
      seed: `shared-${i}`,
    }),
  );
  const repository: RepositoryRecord = {
    name: 'api',
    images: manifests.map((m, i) => record(m.digest, 420 * MB, [`v${i}`])),
  };
  return { repository, manifests };
}

/** An index over a 300 MB amd64 child and a 280 MB arm64 child (ECR reports the index as 300 MB). */
function multiArchRepository() {
  const amd64 = imageManifest([300 * MB], { configSize: 0, seed: 'amd64' });
  const arm64 = imageManifest([280 * MB], { configSize: 0, seed: 'arm64' });
  const index = imageIndex([
    { ...amd64, arch: 'amd64' },
    { ...arm64, arch: 'arm64' },
  ]);
  const repository: RepositoryRecord = {
    name: 'multi',
    images: [
      record(index.digest, 300 * MB, ['latest']),
      record(amd64.digest, 300 * MB),
      record(arm64.digest, 280 * MB),
    ],
  };
  return { repository, manifests: [amd64, arm64, index], amd64, arm64, index };
}

function bodies(...lists: { digest: string; body: string }[][]) {
  return Object.fromEntries(lists.flat().map((m) => [m.digest, m.body]));
}

describe('storage accounting', () => {
  describe('shared layers', () => {
    it('counts a base layer shared by ten tags once: 600 MB, not the 4.2 GB of summed image sizes', () => {
      const { repository, manifests } = sharedBaseRepository();

      const blobs = new RepositoryBlobs(repository, new ManifestIndex(bodies(manifests)));

      expect(blobs.storedBytes).toBe(600 * MB);
      const naive = repository.images.reduce((sum, image) => sum + image.reportedSizeBytes, 0);
      expect(naive).toBe(4200 * MB);
    });

    it('counts a multi-arch index as the sum of its children: 580 MB, not the 300 MB ECR reports', () => {
      const { repository, manifests } = multiArchRepository();

      const blobs = new RepositoryBlobs(repository, new ManifestIndex(bodies(manifests)));

      expect(blobs.storedBytes).toBe(580 * MB);
    });

    it('gives 600 MB + 580 MB for the fleet of both repositories', () => {
      const shared = sharedBaseRepository();
      const multi = multiArchRepository();

      const fleet = new FleetAccount({
        repositories: [shared.repository, multi.repository],
        manifests: bodies(shared.manifests, multi.manifests),
      });

      expect(fleet.storedBytes).toBe(1180 * MB);
      expect(fleet.imageCount).toBe(13);
    });

    it('frees only the blobs no kept image references: deleting one tag frees its 20 MB, not 420 MB', () => {
      const { repository, manifests } = sharedBaseRepository();
      const blobs = new RepositoryBlobs(repository, new ManifestIndex(bodies(manifests)));

      expect(blobs.reclaimableBytes([manifests[0].digest])).toBe(20 * MB);
      expect(blobs.reclaimableBytes(manifests.map((m) => m.digest))).toBe(600 * MB);
      expect(blobs.reclaimableBytes([manifests[0].digest, manifests[0].digest])).toBe(20 * MB);
    });

    it('frees nothing when only an index is deleted: its children stay, and hold the layers', () => {
      const { repository, manifests, index, amd64 } = multiArchRepository();
      const blobs = new RepositoryBlobs(repository, new ManifestIndex(bodies(manifests)));

      expect(blobs.reclaimableBytes([index.digest])).toBe(0);
      expect(blobs.reclaimableBytes([index.digest, amd64.digest])).toBe(300 * MB);
    });

    it('counts a blob shared by two repositories in each, and once in distinctBlobBytes', () => {
      const shared = sharedBaseRepository();
      const copy: RepositoryRecord = { ...shared.repository, name: 'api-mirror' };

      const fleet = new FleetAccount({
        repositories: [shared.repository, copy],
        manifests: bodies(shared.manifests),
      });

      expect(fleet.storedBytes).toBe(1200 * MB);
      expect(fleet.distinctBlobBytes).toBe(600 * MB);
      expect(
        fleet.reclaimableBytes([
          { repository: 'api', imageDigest: shared.manifests[0].digest },
          { repository: 'api-mirror', imageDigest: shared.manifests[0].digest },
          { repository: 'gone', imageDigest: shared.manifests[1].digest },
        ]),
      ).toBe(40 * MB);
    });
  });

  describe('empty things give zero, never NaN or Infinity', () => {
    const zeroLayers = imageManifest([0, 0], { configSize: 0, seed: 'zero' });
    const repositories: [string, RepositoryRecord, Record<string, string>][] = [
      ['a repository with no images', { name: 'empty', images: [] }, {}],
      [
        'an image whose layers hold 0 bytes',
        { name: 'zero', images: [record(zeroLayers.digest, 0)] },
        bodies([zeroLayers]),
      ],
      [
        'an image with no manifest and no reported size',
        { name: 'unknown', images: [record(sha256Digest('x'), Number.NaN)] },
        {},
      ],
      [
        'an image whose reported size is negative or infinite',
        {
          name: 'odd',
          images: [
            record(sha256Digest('y'), -5),
            record(sha256Digest('z'), Number.POSITIVE_INFINITY),
          ],
        },
        {},
      ],
      [
        'an image whose manifest is not valid JSON',
        { name: 'broken', images: [record(sha256Digest('{'), 0)] },
        { [sha256Digest('{')]: '{' },
      ],
    ];

    it.each(repositories)('%s', (_name, repository, manifests) => {
      const blobs = new RepositoryBlobs(repository, new ManifestIndex(manifests));
      const fleet = new FleetAccount({ repositories: [repository], manifests });
      const figures = [
        blobs.storedBytes,
        blobs.reclaimableBytes(repository.images.map((i) => i.imageDigest)),
        blobs.reclaimableBytes([]),
        fleet.storedBytes,
        fleet.distinctBlobBytes,
        monthlyCostUsd(blobs.storedBytes, 0.1),
      ];

      for (const figure of figures) {
        expect(Number.isFinite(figure)).toBe(true);
        expect(figure).toBe(0);
      }
    });

    it.each([
      [0, 0.1, 0],
      [1e9, 0.1, 0.1],
      [1.5e9, 0.1, 0.15],
      [Number.NaN, 0.1, 0],
      [Number.POSITIVE_INFINITY, 0.1, 0],
      [1e9, 0, 0],
    ])('prices %d bytes at $%d per GB-month as $%d', (bytes, price, expected) => {
      expect(monthlyCostUsd(bytes, price)).toBe(expected);
    });
  });

  it('uses the reported size, keyed by the image, when the manifest is unknown', () => {
    const image = record(sha256Digest('no manifest'), 123);

    expect([...imageBlobs(image, new ManifestIndex({}))]).toEqual([[image.imageDigest, 123]]);
  });
});
