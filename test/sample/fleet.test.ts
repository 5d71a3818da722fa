import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, sha256Digest } from '../../lambda/model/manifest';
import { parseSnapshot } from '../../lambda/scan/snapshot';

const ROOT = join(__dirname, '..', '..');
const FILE = join(ROOT, 'sample', 'fleet.json');
const text = readFileSync(FILE, 'utf8');
const inventory = parseSnapshot(text, FILE);
const images = inventory.repositories.flatMap((r) => r.images.map((i) => ({ repo: r.name, ...i })));

describe('the bundled sample fleet', () => {
  it('is as large as a realistic account: at least 12 repositories and 300 images', () => {
    expect(inventory.repositories.length).toBeGreaterThanOrEqual(12);
    expect(images.length).toBeGreaterThanOrEqual(300);
  });

  it('stores every manifest under the sha256 of its bytes', () => {
    for (const [digest, body] of Object.entries(inventory.manifests)) {
      expect(sha256Digest(body)).toBe(digest);
    }
  });

  it('stores every config under the sha256 of its bytes, with the size its manifest declares', () => {
    for (const image of images) {
      const manifest = parseManifest(inventory.manifests[image.imageDigest], image.imageDigest, {
        verify: true,
      });
      if (!manifest.config || manifest.artifactType) continue;
      const body = inventory.configs[manifest.config.digest];
      if (body === undefined) continue; // attestation statements are not image configs
      expect(sha256Digest(body)).toBe(manifest.config.digest);
      expect(Buffer.byteLength(body)).toBe(manifest.config.sizeBytes);
    }
  });

  it('gives every image a manifest, and every index child is an image of the same repository', () => {
    for (const repository of inventory.repositories) {
      const digests = new Set(repository.images.map((i) => i.imageDigest));
      for (const image of repository.images) {
        const manifest = parseManifest(inventory.manifests[image.imageDigest], image.imageDigest);
        for (const child of manifest.children) expect(digests).toContain(child.digest);
      }
    }
  });

  it('has the situations the digest must explain', () => {
    const kinds = new Set(inventory.inUse.map((r) => r.source.kind));
    expect(kinds).toEqual(new Set(['ecs-service', 'lambda-function', 'ecs-scheduled-task']));
    expect(inventory.inUse.some((r) => r.digest)).toBe(true);
    expect(images.some((i) => i.tags.length === 0)).toBe(true);
    expect(images.some((i) => i.subjectDigest)).toBe(true);
    expect(images.some((i) => i.storageClass === 'ARCHIVE')).toBe(true);
    expect(images.some((i) => i.manifestMediaType.includes('index'))).toBe(true);
    expect(inventory.repositories.some((r) => r.images.length === 0)).toBe(true);
    expect(inventory.repositories.some((r) => r.lifecyclePolicyText)).toBe(true);
  });

  it('is exactly what the committed generator writes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fleet-')), 'fleet.json');
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/generate-sample-fleet.ts', out],
      {
        cwd: ROOT,
      },
    );
    expect(readFileSync(out, 'utf8')).toBe(text);
  });
});
