/** analyseBloat over an inventory, offline: what it analyses and how. */
import { analyseBloat } from '../../lambda/analyse/bloat';
import { analyseImage } from '../../lambda/analyse/bloat/analyse-image';
import { emptyInventory } from '../../lambda/model/inventory';
import type { LayerSummary } from '../../lambda/model/layer';
import { sha256Digest } from '../../lambda/model/manifest';

const MB = 1_000_000;

function record(imageDigest: string, tags: string[] = []) {
  return {
    imageDigest,
    tags,
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    reportedSizeBytes: 0,
    pushedAt: '2026-01-01T00:00:00Z',
    storageClass: 'STANDARD' as const,
  };
}

describe('analysing an inventory', () => {
  it('returns nothing for a repository with no images', () => {
    const inventory = emptyInventory('2026-01-01T00:00:00Z');
    inventory.repositories.push({ name: 'empty', images: [] });
    expect(analyseBloat(inventory, { pricePerGbMonthUsd: 0.1 })).toEqual([]);
  });

  it('judges an image from its history alone when no layer was read, and skips indexes', () => {
    const config = JSON.stringify({ history: [{ created_by: '/bin/sh -c apk add curl' }] });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      config: { digest: sha256Digest(config), size: config.length, mediaType: 'x' },
      layers: [{ digest: `sha256:${'1'.repeat(64)}`, size: 5 * MB, mediaType: 'x' }],
    });
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          digest: sha256Digest(manifest),
          size: manifest.length,
          mediaType: 'x',
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    const inventory = emptyInventory('2026-01-01T00:00:00Z');
    inventory.manifests[sha256Digest(manifest)] = manifest;
    inventory.manifests[sha256Digest(index)] = index;
    inventory.configs[sha256Digest(config)] = config;
    inventory.repositories.push({
      name: 'web',
      images: [record(sha256Digest(index), ['latest']), record(sha256Digest(manifest))],
    });
    const bloat = analyseBloat(inventory, { pricePerGbMonthUsd: 0.1 });
    expect(bloat).toHaveLength(1);
    expect(bloat[0]).toMatchObject({
      image: `web@${sha256Digest(manifest)}`,
      basis: 'estimated',
      bloatBytes: 3 * MB,
    });
    expect(bloat[0].tips[0]).toMatchObject({
      code: 'clean-cache',
      basis: 'estimated',
      historyIndex: 0,
    });
  });

  it('identifies a full Debian base from os-release and the first layer size, and suggests slim', () => {
    const base: LayerSummary = {
      digest: `sha256:${'a'.repeat(64)}`,
      sizeBytes: 120 * MB,
      osRelease: { ID: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' },
      entries: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', sizeBytes: 120 * MB, type: 'file' }],
    };
    const analysis = analyseImage({
      repository: 'api',
      imageDigest: 'sha256:x',
      image: 'api:1',
      config: JSON.stringify({ history: [{ created_by: '/bin/sh -c #(nop) ADD file:1 in / ' }] }),
      layers: [{ digest: base.digest, sizeBytes: 48 * MB, mediaType: 'x' }],
      summaries: { [base.digest]: base },
      pricePerGbMonthUsd: 0.1,
    });
    expect(analysis.baseImage).toMatchObject({
      distribution: 'debian',
      version: '12',
      variant: 'full',
      basis: 'measured',
    });
    const tip = analysis.tips.find((t) => t.code === 'smaller-base')!;
    expect(tip.change).toMatch(/debian:12-slim/);
    expect(tip.basis).toBe('estimated');
    // The base-image estimate overlaps measured bytes, so it is a tip, not bloat.
    expect(analysis.bloatBytes).toBe(0);
  });

  it('marks findings with the digest of the layer holding the bytes', () => {
    const layer: LayerSummary = {
      digest: `sha256:${'b'.repeat(64)}`,
      sizeBytes: 2 * MB,
      entries: [{ path: 'root/.cache/pip/wheels/x.whl', sizeBytes: 2 * MB, type: 'file' }],
    };
    const analysis = analyseImage({
      repository: 'api',
      imageDigest: 'sha256:x',
      image: 'api:1',
      config: JSON.stringify({
        history: [{ created_by: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit' }],
      }),
      layers: [{ digest: layer.digest, sizeBytes: MB, mediaType: 'x' }],
      summaries: { [layer.digest]: layer },
      pricePerGbMonthUsd: 0.1,
    });
    expect(analysis.findings).toEqual([
      expect.objectContaining({
        code: 'pip-cache',
        sizeBytes: 2 * MB,
        basis: 'measured',
        layerDigest: layer.digest,
      }),
    ]);
    // The saving is the stored share: 2 MB of files in a layer stored at half size.
    expect(analysis.tips[0]).toMatchObject({
      fileBytes: 2 * MB,
      savedBytes: MB,
      monthlyCostUsd: 0,
    });
  });
});
