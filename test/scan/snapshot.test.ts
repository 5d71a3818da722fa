import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyInventory, type Inventory } from '../../lambda/model/inventory';
import { loadSnapshot, saveSnapshot } from '../../lambda/scan/snapshot';
import { image } from './fake-account';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleInventory(): Inventory {
  const images = Array.from({ length: 30 }, (_, i) => image([i * 10, 5], { tags: [`v${i}`] }));
  const inventory = emptyInventory('2026-12-01T00:00:00.000Z');
  inventory.accountId = '123456789012';
  inventory.region = 'eu-west-1';
  inventory.repositories = [
    {
      name: 'api',
      lifecyclePolicyText: '{"rules":[]}',
      images: images.map((img) => ({
        imageDigest: img.digest,
        tags: img.tags ?? [],
        manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        reportedSizeBytes: 15,
        pushedAt: '2026-01-01T00:00:00.000Z',
        storageClass: 'STANDARD',
      })),
    },
    { name: 'empty', images: [] },
  ];
  inventory.manifests = Object.fromEntries(images.map((img) => [img.digest, img.body]));
  inventory.inUse = [
    {
      imageRef: 'api:v3',
      repository: 'api',
      tag: 'v3',
      source: { kind: 'external', id: 'api:v3' },
    },
  ];
  inventory.missing = [{ repository: 'slow', what: 'repository', reason: 'TimeoutError' }];
  return inventory;
}

describe('snapshots', () => {
  it('writes exactly the JSON of the inventory, in pieces, and reads it back unchanged', async () => {
    const inventory = sampleInventory();
    const file = join(dir, 'fleet.json');

    await saveSnapshot(file, inventory);

    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(inventory)}\n`);
    expect(await loadSnapshot(file)).toEqual(inventory);
  });

  it('refuses a snapshot of another version, naming the version and the fix', async () => {
    const file = join(dir, 'old.json');
    await writeFile(file, JSON.stringify({ ...sampleInventory(), version: 0 }));

    await expect(loadSnapshot(file)).rejects.toThrow(/version 0.*--save-snapshot/);
  });

  it('says which path could not be written', async () => {
    await expect(
      saveSnapshot(join(dir, 'no', 'such', 'dir.json'), sampleInventory()),
    ).rejects.toThrow(/cannot write snapshot .*dir\.json/);
  });
});
