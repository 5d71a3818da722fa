/**
 * Real images built with umoci, pushed with skopeo into a local
 * docker-registry, and analysed through the registry client: every figure
 * checked to the byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { analyseBloat, summariseLayers, type BlobSource } from '../../lambda/analyse/bloat';
import { analyseImage } from '../../lambda/analyse/bloat/analyse-image';
import { emptyInventory, type Inventory } from '../../lambda/model/inventory';
import { parseManifest } from '../../lambda/model/manifest';
import { RegistryClient, registryBlobSource } from '../../lambda/registry/client';
import { openRemoteImage } from '../../lambda/registry/remote-image';
import { silentLog } from '../../lambda/util/log';
import { MemoryStore } from '../../lambda/util/store';
import { buildProgram } from '../../lambda/cli/program';
import { buildOciImage, pushImage, startRegistry, type LocalRegistry } from '../support/registry';

const LAYERS = [
  {
    files: {
      'usr/bin/tool': 10000,
      'var/lib/apt/lists/deb_Packages': 50000,
      'var/cache/apt/archives/x.deb': 20000,
      'opt/data/a': 3000,
      'opt/data/b': 4000,
      'etc/config': 1000,
      'app/.git/objects/pack': 7000,
    },
  },
  // Overwrites etc/config with other bytes, re-ships usr/bin/tool unchanged in size.
  { files: { 'etc/config': 1500, 'usr/bin/tool': 10000 } },
  // A directory whiteout: dive does not count what it deletes.
  { whiteout: '/opt/data' },
  // An opaque whiteout hides the old apt lists; one small new file stays.
  { opaque: '/var/lib/apt/lists', files: { fresh: 100 } },
] as const;

let registry: LocalRegistry;
let work: string;
let client: RegistryClient;

async function inventoryOf(images: Array<{ repository: string; tag: string }>): Promise<Inventory> {
  const inventory = emptyInventory('2026-01-01T00:00:00Z');
  for (const { repository, tag } of images) {
    const manifest = await client.getManifest(repository, tag);
    inventory.manifests[manifest.digest] = manifest.body;
    inventory.repositories.push({
      name: repository,
      images: [
        {
          imageDigest: manifest.digest,
          tags: [tag],
          manifestMediaType: manifest.mediaType,
          reportedSizeBytes: 0,
          pushedAt: '2026-01-01T00:00:00Z',
          storageClass: 'STANDARD',
        },
      ],
    });
  }
  return inventory;
}

function counting(source: BlobSource): BlobSource & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    open: (repository: string, digest: string): Promise<Readable> => {
      opened.push(digest);
      return source.open(repository, digest);
    },
  };
}

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ecr-janitor-images-'));
  const layout = join(work, 'layout');
  buildOciImage(layout, 'v1', LAYERS as never);
  // v2 shares every layer of v1 and adds one of its own.
  execFileSync('umoci', ['tag', '--image', `${layout}:v1`, 'v2']);
  buildOciImage.addLayer(layout, 'v2', { files: { 'srv/extra': 2500 } });
  pushImage(layout, 'v1', registry, 'team/app');
  pushImage(layout, 'v2', registry, 'team/app-next');
  client = new RegistryClient({ baseUrl: registry.url });
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('images served by a local docker-registry', () => {
  it('are measured to the byte through the registry client', async () => {
    const image = await openRemoteImage(client, {
      host: registry.host,
      repository: 'team/app',
      reference: 'v1',
    });
    const inventory = await inventoryOf([{ repository: 'team/app', tag: 'v1' }]);
    await summariseLayers(inventory, registryBlobSource(client), {
      byteBudget: 10 ** 9,
      concurrency: 2,
      log: silentLog,
    });

    const analysis = analyseImage({
      repository: 'team/app',
      imageDigest: image.manifestDigest,
      image: image.image,
      config: inventory.configs[image.configDigest],
      layers: image.layers,
      summaries: inventory.layerSummaries,
      pricePerGbMonthUsd: 0.1,
    });

    expect(image.layers.map((l) => inventory.layerSummaries[l.digest].sizeBytes)).toEqual([
      95000, 11500, 0, 100,
    ]);
    // etc/config 1000 (overwritten) + opt/data 7000 (directory whiteout) + apt lists 50000 (opaque whiteout).
    expect(analysis.hiddenBytes).toBe(58000);
    // usr/bin/tool re-shipped unchanged: one extra copy, not two.
    expect(analysis.duplicateBytes).toBe(10000);
    // + apt archives 20000 + fresh apt list 100 + .git 7000 visible in the final image.
    expect(analysis.bloatBytes).toBe(95100);
    expect(analysis.basis).toBe('measured');
    expect(analysis.dive).toMatchObject({
      sizeBytes: 106600,
      userSizeBytes: 11600,
      wastedBytes: 22500,
      efficiency: 102100 / 113600,
      userWastedPercent: 22500 / 11600,
    });
    expect(analysis.totalBytes).toBe(
      image.layers.reduce((sum, l) => sum + l.sizeBytes, 0) + Buffer.byteLength(image.config),
    );
    const codes = analysis.findings.map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'cache-cleaned-later',
        'deleted-later',
        'overwritten-file',
        'duplicate-file',
        'apt-cache',
        'vcs-folder',
      ]),
    );
    expect(analysis.findings.find((f) => f.code === 'cache-cleaned-later')?.sizeBytes).toBe(50000);
    expect(analysis.findings.find((f) => f.code === 'deleted-later')?.sizeBytes).toBe(7000);
    expect(analysis.findings.find((f) => f.code === 'vcs-folder')?.sizeBytes).toBe(7000);
    // Every byte of bloat is in exactly one finding, on the layer that holds it.
    expect(analysis.findings.reduce((sum, f) => sum + f.sizeBytes, 0)).toBe(95100);
    expect(analysis.findings.find((f) => f.code === 'duplicate-file')).toMatchObject({
      layerIndex: 0,
      layerDigest: image.layers[0].digest,
    });
  });

  it('reads each shared layer once, caches it by digest, and measures both images', async () => {
    const inventory = await inventoryOf([
      { repository: 'team/app', tag: 'v1' },
      { repository: 'team/app-next', tag: 'v2' },
    ]);
    const cache = new MemoryStore();
    const source = counting(registryBlobSource(client));
    await summariseLayers(inventory, source, {
      byteBudget: 10 ** 9,
      concurrency: 2,
      cache,
      log: silentLog,
    });

    const layerDigests = new Set(
      Object.values(inventory.manifests).flatMap((body) =>
        parseManifest(body, 'sha256:x').layers.map((l) => l.digest),
      ),
    );
    const layerOpens = source.opened.filter((d) => layerDigests.has(d));
    expect(layerOpens.length).toBe(5);
    expect(new Set(layerOpens).size).toBe(5);
    expect([...cache.items.keys()].filter((k) => k.startsWith('layers/')).length).toBe(5);

    // Findings keep file bytes (95,100 in each image); bloat bytes are those
    // bytes as the registry stores them, each scaled by its layer's
    // compressed size over its file bytes (at most 1), so they add up with
    // stored bytes.
    const bloat = analyseBloat(inventory, { pricePerGbMonthUsd: 0.1 });
    expect(bloat.map((b) => [b.image, b.basis])).toEqual([
      ['team/app:v1', 'measured'],
      ['team/app-next:v2', 'measured'],
    ]);
    for (const image of bloat) {
      expect(image.findings.reduce((sum, f) => sum + f.sizeBytes, 0)).toBe(95100);
      const layers = parseManifest(inventory.manifests[image.imageDigest], 'sha256:x').layers;
      const stored = image.findings.reduce((sum, f) => {
        const layer = layers.find((l) => l.digest === f.layerDigest)!;
        const files = inventory.layerSummaries[layer.digest].sizeBytes;
        return sum + f.sizeBytes * Math.min(1, layer.sizeBytes / files);
      }, 0);
      expect(image.bloatBytes).toBe(Math.round(stored));
      expect(image.bloatBytes).toBeLessThan(95100);
    }

    // A second run reads nothing: summaries and configs come from the cache.
    const again = await inventoryOf([
      { repository: 'team/app', tag: 'v1' },
      { repository: 'team/app-next', tag: 'v2' },
    ]);
    const second = counting(registryBlobSource(client));
    await summariseLayers(again, second, {
      byteBudget: 10 ** 9,
      concurrency: 2,
      cache,
      log: silentLog,
    });
    expect(second.opened).toEqual([]);
    expect(Object.keys(again.layerSummaries).length).toBe(5);
  });

  it('spends the byte budget on the largest image first and skips what does not fit', async () => {
    const inventory = await inventoryOf([
      { repository: 'team/app', tag: 'v1' },
      { repository: 'team/app-next', tag: 'v2' },
    ]);
    const sizes = Object.fromEntries(
      Object.entries(inventory.manifests).map(([digest, body]) => [
        digest,
        parseManifest(body, digest).layers.reduce((s, l) => s + l.sizeBytes, 0),
      ]),
    );
    const largest = Math.max(...Object.values(sizes));
    const smallest = Math.min(...Object.values(sizes));
    await summariseLayers(inventory, registryBlobSource(client), {
      byteBudget: largest,
      concurrency: 1,
      log: silentLog,
    });
    const bloat = analyseBloat(inventory, { pricePerGbMonthUsd: 0.1 });
    expect(largest).toBeGreaterThan(smallest);
    expect(bloat.find((b) => b.image === 'team/app-next:v2')?.basis).toBe('measured');
    // v1's layers are all shared with v2, so it is measured too at no extra cost.
    expect(bloat.find((b) => b.image === 'team/app:v1')?.basis).toBe('measured');

    const tight = await inventoryOf([{ repository: 'team/app-next', tag: 'v2' }]);
    await summariseLayers(tight, registryBlobSource(client), {
      byteBudget: largest - 1,
      concurrency: 1,
      log: silentLog,
    });
    expect(Object.keys(tight.layerSummaries)).toEqual([]);
    expect(analyseBloat(tight, { pricePerGbMonthUsd: 0.1 })[0].basis).toBe('estimated');
  });

  it('are inspected by reference with `ecr-janitor inspect HOST/REPO:TAG --registry-url`', async () => {
    const out: string[] = [];
    await buildProgram({ stdout: (t) => out.push(t), stderr: () => undefined, env: {} }).parseAsync(
      [
        'node',
        'ecr-janitor',
        'inspect',
        `${registry.host}/team/app:v1`,
        '--registry-url',
        registry.url,
        '--format',
        'json',
      ],
    );
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({
      source: 'registry',
      hiddenBytes: 58000,
      duplicateBytes: 10000,
      bloatBytes: 95100,
      dive: { wastedBytes: 22500 },
    });
    expect(report.layers).toHaveLength(4);
  });
});
