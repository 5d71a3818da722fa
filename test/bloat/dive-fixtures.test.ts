/**
 * dive's own test archives: the figures dive's tests assert (and, where dive
 * asserts none, those of an independent port of its algorithm) to the exact float.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { diveFigures } from '../../lambda/analyse/bloat/dive';
import { ImageReadError } from '../../lambda/errors';
import { openLocalImage, readLocalImage } from '../../lambda/layers/local-image';
import type { LayerEntry } from '../../lambda/model/layer';

const DIVE = join(__dirname, '../fixtures/images/dive');

/** The README.md every minimal image copies, hashed from the plain root-file-system tar. */
const README_HASH = createHash('sha256')
  .update(execFileSync('tar', ['-xOf', join(DIVE, 'test-uncompressed-image.tar'), 'README.md']))
  .digest()
  .subarray(0, 16)
  .toString('base64url');

async function figuresOf(file: string) {
  const image = await readLocalImage(`${DIVE}/${file}`);
  const byDigest = new Map(image.summaries.map((s) => [s.digest, s]));
  return { image, figures: diveFigures(image.layers.map((l) => byDigest.get(l.digest)!.entries)) };
}

describe("dive's figures", () => {
  it('match what dive asserts for test-docker-image.tar, to the float', async () => {
    const { image, figures } = await figuresOf('test-docker-image.tar');
    expect(image.format).toBe('docker-archive');
    expect(figures.efficiency).toBe(0.9844212134184309);
    expect(figures.sizeBytes).toBe(1220598);
    expect(figures.userSizeBytes).toBe(66237);
    expect(figures.wastedBytes).toBe(32025);
    expect(figures.userWastedPercent).toBe(0.4834911001404049);
    expect(figures.inefficiencies).toEqual([
      { path: '/root/example/somefile1.txt', count: 2, cumulativeSizeBytes: 12810 },
      { path: '/root/saved.txt', count: 2, cumulativeSizeBytes: 12810 },
      { path: '/root/example/somefile3.txt', count: 2, cumulativeSizeBytes: 6405 },
    ]);
    expect(image.summaries.map((s) => s.sizeBytes)).toEqual([
      1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405, 6405, 6405,
    ]);
  });

  it('match the computed figures for the kaniko archive (gzip layers, "/" root entries)', async () => {
    const { image, figures } = await figuresOf('test-kaniko-image.tar');
    expect(figures).toMatchObject({
      efficiency: 0.9793688490216431,
      sizeBytes: 1326410,
      userSizeBytes: 94677,
      wastedBytes: 46245,
      userWastedPercent: 0.4884502043790995,
    });
    expect(image.summaries.map((s) => s.sizeBytes)).toEqual([
      1231733, 9249, 0, 9249, 9249, 9249, 9249, 9249, 9249, 0, 2187, 9249, 9249, 9249,
    ]);
    expect(image.summaries.every((s) => s.compression === 'gzip')).toBe(true);
  });

  it.each([
    ['test-oci-uncompressed-image.tar', 'none'],
    ['test-oci-gzip-image.tar', 'gzip'],
    ['test-oci-estargz-image.tar', 'gzip'],
    ['test-oci-zstd-image.tar', 'zstd'],
  ])('read %s (%s) through index.json, without NaN', async (file, compression) => {
    const { image, figures } = await figuresOf(file);
    expect(image.format).toBe('oci-archive');
    expect(image.summaries[0].compression).toBe(compression);
    // The eStargz TOC after the end-of-archive marker is not part of the file system.
    expect(image.summaries[0].entries).toEqual([
      { path: 'README.md', sizeBytes: 11189, type: 'file', contentHash: README_HASH },
    ]);
    expect(figures).toEqual({
      efficiency: 1,
      sizeBytes: 11189,
      userSizeBytes: 0,
      wastedBytes: 0,
      userWastedPercent: null,
      inefficiencies: [],
    });
    expect(JSON.stringify(figures)).not.toMatch(/NaN|Infinity/);
  });

  it.each([
    'test-uncompressed-image.tar',
    'test-gzip-image.tar',
    'test-estargz-image.tar',
    'test-zstd-image.tar',
  ])('reject the plain root-file-system tar %s as not an image', async (file) => {
    const attempt = openLocalImage(`${DIVE}/${file}`);
    await expect(attempt).rejects.toThrow(ImageReadError);
    await expect(attempt).rejects.toThrow(
      /is not an image archive: it has neither manifest.json .* it holds README.md/,
    );
  });

  it("reproduce dive's synthetic efficiency case (implied directory whiteouts size 0)", () => {
    const file = (path: string, sizeBytes: number): LayerEntry => ({
      path,
      sizeBytes,
      type: 'file',
    });
    const figures = diveFigures([
      [file('etc/nginx/nginx.conf', 2000), file('etc/nginx/public', 3000)],
      [file('etc/nginx/nginx.conf', 5000), file('etc/athing', 10000)],
      [{ path: 'etc/nginx', sizeBytes: 0, type: 'whiteout' }],
    ]);
    expect(figures.efficiency).toBe(0.75);
    expect(figures.inefficiencies).toEqual([
      { path: '/etc/nginx/nginx.conf', count: 2, cumulativeSizeBytes: 7000 },
    ]);
  });

  it('give efficiency 1 and no inefficiencies for a single empty file', () => {
    const figures = diveFigures([[{ path: 'somefile', sizeBytes: 0, type: 'file' }]]);
    expect(figures.efficiency).toBe(1);
    expect(figures.inefficiencies).toEqual([]);
    expect(figures.userWastedPercent).toBeNull();
  });
});
