import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError, ImageReadError } from '../../lambda/errors';
import { openLocalImage, readLocalImage } from '../../lambda/layers/local-image';
import { buildOciImage } from '../support/registry';

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ecr-janitor-local-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('images on disk', () => {
  it('reads an OCI layout folder by following index.json to the manifest, in its layer order', async () => {
    const layout = join(work, 'layout');
    buildOciImage(layout, 'v1', [{ files: { 'b/two': 2 } }, { files: { 'a/one': 1 } }]);
    const read = await readLocalImage(layout);
    expect(read.format).toBe('oci-layout');
    expect(read.layers).toHaveLength(2);
    expect(
      read.summaries.map((s) => s.entries.filter((e) => e.type === 'file').map((e) => e.path)),
    ).toEqual([['b/two'], ['a/one']]);
    expect(read.summaries.map((s) => s.compressedSizeBytes)).toEqual(
      read.layers.map((l) => l.sizeBytes),
    );
    expect(JSON.parse(read.config).rootfs.diff_ids).toHaveLength(2);
  });

  it('reads the same image as an OCI archive written by skopeo', async () => {
    const layout = join(work, 'layout');
    buildOciImage(layout, 'v1', [{ files: { 'x/y': 10 } }]);
    const archive = join(work, 'image.tar');
    execFileSync('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `oci-archive:${archive}`]);
    const read = await readLocalImage(archive);
    expect(read.format).toBe('oci-archive');
    expect(read.summaries[0].sizeBytes).toBe(10);
  });

  it('refuses a manifest whose bytes do not match its digest', async () => {
    const layout = join(work, 'layout');
    buildOciImage(layout, 'v1', [{ files: { f: 1 } }]);
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const manifestPath = join(layout, 'blobs', 'sha256', index.manifests[0].digest.split(':')[1]);
    writeFileSync(
      manifestPath,
      readFileSync(manifestPath, 'utf8').replace('"schemaVersion":2', '"schemaVersion": 2'),
    );
    const attempt = openLocalImage(layout);
    await expect(attempt).rejects.toThrow(ManifestError);
    await expect(attempt).rejects.toThrow(
      /manifest sha256:[0-9a-f]{64} of .* does not match its bytes/,
    );
  });

  it('explains a gzip-compressed docker save archive', async () => {
    const file = join(work, 'image.tar.gz');
    writeFileSync(
      file,
      execFileSync('gzip', [
        '-c',
        join(__dirname, '../fixtures/images/dive/test-oci-gzip-image.tar'),
      ]),
    );
    await expect(openLocalImage(file)).rejects.toThrow(/gzip-compressed: decompress it first/);
  });

  it('explains a folder that is not an OCI layout, and a path that does not exist', async () => {
    await expect(openLocalImage(work)).rejects.toThrow(/folder without index.json/);
    await expect(openLocalImage(join(work, 'nope.tar'))).rejects.toThrow(ImageReadError);
  });
});
