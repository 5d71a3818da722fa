/** summariseLayers over a fake blob source: bad blobs fail their image only. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { analyseBloat, summariseLayers } from '../../lambda/analyse/bloat';
import { emptyInventory, type Inventory } from '../../lambda/model/inventory';
import { silentLog } from '../../lambda/util/log';
import { gzipOf, tarOf } from '../layers/helpers';

const sha = (body: Buffer | string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

interface FakeImage {
  repository: string;
  layers: Buffer[];
  /** Serve these bytes for the first layer instead of the real ones. */
  served?: Buffer;
  /** Store a manifest body that no longer matches its digest. */
  alteredManifest?: boolean;
}

function fleet(images: FakeImage[]): { inventory: Inventory; blobs: Map<string, Buffer> } {
  const inventory = emptyInventory('2026-01-01T00:00:00Z');
  const blobs = new Map<string, Buffer>();
  for (const image of images) {
    const config = JSON.stringify({
      rootfs: { type: 'layers', diff_ids: [] },
      history: image.layers.map(() => ({ created_by: 'COPY x / # buildkit' })),
    });
    blobs.set(sha(config), Buffer.from(config));
    const layers = image.layers.map((blob, i) => {
      blobs.set(sha(blob), i === 0 && image.served ? image.served : blob);
      return {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: sha(blob),
        size: blob.length,
      };
    });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(config),
        size: config.length,
      },
      layers,
    });
    inventory.manifests[sha(manifest)] = image.alteredManifest ? `${manifest} ` : manifest;
    inventory.repositories.push({
      name: image.repository,
      images: [
        {
          imageDigest: sha(manifest),
          tags: ['1'],
          manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          reportedSizeBytes: 0,
          pushedAt: '2026-01-01T00:00:00Z',
          storageClass: 'STANDARD',
        },
      ],
    });
  }
  return { inventory, blobs };
}

describe('summarising the layers of a fleet', () => {
  it('records a clear error for each bad image and measures the others', async () => {
    const good = gzipOf(
      await tarOf([
        { name: 'app/server', content: 'x'.repeat(5000) },
        { name: 'app/.git/HEAD', content: 'ref' },
      ]),
    );
    const truncated = gzipOf(await tarOf([{ name: 'big', content: Buffer.alloc(50000, 1) }]));
    const dotdot = gzipOf(await tarOf([{ name: '../escape', content: 'x' }]));
    const notTar = gzipOf(Buffer.from('not a tar at all '.repeat(64)));
    const altered = gzipOf(await tarOf([{ name: 'a', content: 'original' }]));
    const { inventory, blobs } = fleet([
      { repository: 'good', layers: [good] },
      {
        repository: 'truncated',
        layers: [truncated],
        served: truncated.subarray(0, truncated.length - 30),
      },
      { repository: 'dotdot', layers: [dotdot] },
      { repository: 'not-tar', layers: [notTar] },
      {
        repository: 'altered',
        layers: [altered],
        served: gzipOf(await tarOf([{ name: 'a', content: 'tampered' }])),
      },
      {
        repository: 'bad-manifest',
        layers: [gzipOf(await tarOf([{ name: 'm', content: 'm' }]))],
        alteredManifest: true,
      },
    ]);
    await summariseLayers(
      inventory,
      { open: async (_repository, digest) => Readable.from([blobs.get(digest)!]) },
      { byteBudget: 10 ** 9, concurrency: 2, log: silentLog },
    );

    const reasons = Object.fromEntries(inventory.missing.map((m) => [m.repository, m.reason]));
    expect(reasons).toEqual({
      truncated: expect.stringMatching(/gzip stream ends early; the blob is truncated/),
      dotdot: expect.stringMatching(/contains "\.\."/),
      'not-tar': expect.stringMatching(/not a tar archive/),
      altered: expect.stringMatching(/hash to sha256:[0-9a-f]{64}, not to its digest/),
      'bad-manifest': expect.stringMatching(/manifest body does not match its digest/),
    });
    const bloat = analyseBloat(inventory, { pricePerGbMonthUsd: 0.1 });
    const measured = bloat.find((b) => b.repository === 'good');
    expect(measured).toMatchObject({ basis: 'measured' });
    // 3 file bytes of .git; the digest's figure is what they take compressed, less than that.
    expect(measured?.findings).toContainEqual(expect.objectContaining({ sizeBytes: 3 }));
    expect(measured?.bloatBytes).toBeLessThanOrEqual(3);
    for (const name of ['truncated', 'dotdot', 'not-tar', 'altered']) {
      expect(bloat.find((b) => b.repository === name)?.basis).toBe('estimated');
    }
  });

  it('skips images the plan will delete', async () => {
    const layer = gzipOf(await tarOf([{ name: 'a', content: 'x' }]));
    const { inventory, blobs } = fleet([{ repository: 'doomed', layers: [layer] }]);
    const opened: string[] = [];
    await summariseLayers(
      inventory,
      {
        open: async (_r, digest) => {
          opened.push(digest);
          return Readable.from([blobs.get(digest)!]);
        },
      },
      { byteBudget: 10 ** 9, concurrency: 1, keep: () => false, log: silentLog },
    );
    expect(opened).toEqual([]);
  });

  it('starts no new layer when the run is within a minute of its time limit', async () => {
    const layer = gzipOf(await tarOf([{ name: 'a', content: 'x' }]));
    const { inventory, blobs } = fleet([{ repository: 'late', layers: [layer] }]);
    const opened: string[] = [];
    await summariseLayers(
      inventory,
      {
        open: async (_r, digest) => {
          opened.push(digest);
          return Readable.from([blobs.get(digest)!]);
        },
      },
      { byteBudget: 10 ** 9, concurrency: 1, remainingTimeMs: () => 30_000, log: silentLog },
    );
    expect(opened.filter((digest) => digest === sha(layer))).toEqual([]);
    expect(inventory.layerSummaries).toEqual({});
  });
});
