import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ImageReadError } from '../../lambda/errors';
import { sniffCompression } from '../../lambda/layers/decompress';
import { normaliseEntryPath, summariseLayer } from '../../lambda/layers/summarise';
import { chunked, gzipOf, tarOf } from './helpers';

const digestOf = (blob: Buffer) => `sha256:${createHash('sha256').update(blob).digest('hex')}`;
const contentHashOf = (data: string) =>
  createHash('sha256').update(data).digest().subarray(0, 16).toString('base64url');

async function summarise(blob: Buffer, verify = true) {
  return summariseLayer(chunked(blob), { digest: digestOf(blob), verify, image: 'repo:tag' });
}

describe('reading a layer blob', () => {
  it('records every entry, resolves whiteouts to the paths they delete, and keeps os-release', async () => {
    const tar = await tarOf([
      { name: './', type: 'directory' },
      { name: 'etc/', type: 'directory' },
      {
        name: 'etc/os-release',
        content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      },
      { name: 'usr/bin/tool', content: 'x'.repeat(1234) },
      { name: 'usr/bin/alias', type: 'symlink', linkname: 'tool' },
      { name: 'usr/bin/hard', type: 'link', linkname: 'usr/bin/tool' },
      { name: 'var/.wh.old', content: '' },
      { name: 'opt/app/.wh..wh..opq', content: '' },
      { name: `deep/${'d'.repeat(120)}/file`, content: 'long name' },
    ]);
    const summary = await summarise(gzipOf(tar));
    expect(summary.compression).toBe('gzip');
    expect(summary.sizeBytes).toBe(1234 + 9 + 71);
    expect(summary.osRelease).toEqual({
      ID: 'debian',
      VERSION_ID: '12',
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(summary.entries.map((e) => [e.path, e.type, e.sizeBytes])).toEqual([
      ['etc', 'dir', 0],
      ['etc/os-release', 'file', 71],
      ['usr/bin/tool', 'file', 1234],
      ['usr/bin/alias', 'symlink', 0],
      ['usr/bin/hard', 'hardlink', 0],
      ['var/old', 'whiteout', 0],
      ['opt/app', 'opaque-whiteout', 0],
      [`deep/${'d'.repeat(120)}/file`, 'file', 9],
    ]);
  });

  it.each([
    ['gzip', (tar: Buffer) => gzipOf(tar)],
    ['zstd', (tar: Buffer) => execFileSync('zstd', ['-q', '-c'], { input: tar })],
    ['none', (tar: Buffer) => tar],
  ])('detects %s by its magic bytes, whatever the media type says', async (compression, encode) => {
    const tar = await tarOf([{ name: 'a', content: 'hello' }]);
    const summary = await summarise(encode(tar));
    expect(summary.compression).toBe(compression);
    expect(summary.entries).toEqual([
      { path: 'a', sizeBytes: 5, type: 'file', contentHash: contentHashOf('hello') },
    ]);
  });

  it('hashes file contents, so equal sizes with different bytes can be told apart', async () => {
    const tar = await tarOf([
      { name: 'a', content: 'same-size-1' },
      { name: 'b', content: 'same-size-2' },
      { name: 'c', content: 'same-size-1' },
    ]);
    const [a, b, c] = (await summarise(tar)).entries;
    expect(a.contentHash).toBe(contentHashOf('same-size-1'));
    expect(b.contentHash).not.toBe(a.contentHash);
    expect(c.contentHash).toBe(a.contentHash);
  });

  it('stops at the end-of-archive marker, as Go and dive do (an eStargz TOC follows it)', async () => {
    const first = await tarOf([{ name: 'README.md', content: 'x'.repeat(100) }]);
    const toc = await tarOf([{ name: 'stargz.index.json', content: '{}' }]);
    const summary = await summarise(gzipOf(Buffer.concat([first, toc])));
    expect(summary.entries.map((e) => e.path)).toEqual(['README.md']);
  });

  it('reads an empty uncompressed layer (only the end-of-archive blocks)', async () => {
    const summary = await summarise(Buffer.alloc(1024));
    expect(summary).toMatchObject({ compression: 'none', sizeBytes: 0, entries: [] });
  });

  it('accepts an archive that ends right after the last file, without padding or end marker', async () => {
    const tar = await tarOf([{ name: 'a', content: 'x'.repeat(700) }]);
    const summary = await summarise(tar.subarray(0, 512 + 700));
    expect(summary.sizeBytes).toBe(700);
  });

  it.each([
    [
      'a truncated gzip stream',
      async () => {
        const blob = gzipOf(await tarOf([{ name: 'big', content: Buffer.alloc(100000, 7) }]));
        return blob.subarray(0, blob.length - 40);
      },
      /gzip stream ends early; the blob is truncated/,
    ],
    [
      'a tar entry with ".."',
      async () => gzipOf(await tarOf([{ name: 'usr/../../etc/passwd', content: 'x' }])),
      /tar entry "usr\/..\/..\/etc\/passwd" contains "\.\."/,
    ],
    [
      'a tar entry with an absolute path',
      async () => gzipOf(await tarOf([{ name: '/etc/passwd', content: 'x' }])),
      /tar entry "\/etc\/passwd" has an absolute path/,
    ],
    [
      'a layer that is not a tar',
      async () => gzipOf(Buffer.from('{"this": "is json, not a tar"}'.repeat(40))),
      /not a tar archive: the header at byte 0/,
    ],
    [
      'a blob that is neither gzip, zstd nor tar',
      async () => Buffer.from('PK\u0003\u0004 a zip file'.repeat(60)),
      /not a layer: it starts with bytes 50 4b 03 04/,
    ],
    [
      'a tar cut inside a file',
      async () => (await tarOf([{ name: 'a', content: 'x'.repeat(2000) }])).subarray(0, 1024),
      /ends in the middle of an entry .* truncated/,
    ],
  ])('refuses %s with a clear error naming the layer and image', async (_name, make, message) => {
    const attempt = summarise(await make());
    await expect(attempt).rejects.toThrow(ImageReadError);
    await expect(attempt).rejects.toThrow(/^layer sha256:[0-9a-f]{64} of repo:tag: /);
    await expect(attempt).rejects.toThrow(message);
  });

  it('refuses a blob whose bytes do not hash to its digest', async () => {
    const blob = gzipOf(await tarOf([{ name: 'a', content: 'x' }]));
    const attempt = summariseLayer(chunked(blob), {
      digest: `sha256:${'0'.repeat(64)}`,
      verify: true,
      image: 'repo:tag',
    });
    await expect(attempt).rejects.toThrow(/hash to sha256:[0-9a-f]{64}, not to its digest/);
  });

  it.each([
    ['./usr/bin/', 'usr/bin'],
    ['usr//lib/./x', 'usr/lib/x'],
    ['/', ''],
    ['./', ''],
  ])('normalises %j to %j', (name, path) => {
    expect(normaliseEntryPath(name)).toBe(path);
  });

  it('names xz and bzip2 blobs as such', () => {
    expect(() => sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toThrow(
      /xz-compressed/,
    );
    expect(() => sniffCompression(Buffer.from('BZh91AY'))).toThrow(/bzip2/);
  });
});
