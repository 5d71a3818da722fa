/**
 * Decompression chosen by the blob's first bytes, never by its media type:
 * registries and builders label layers loosely (eStargz is labelled gzip,
 * some tools label zstd layers as gzip, `docker save` stores plain tars).
 */
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Why a blob cannot be decompressed into a tar. */
export class LayerFormatError extends Error {}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(head: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => head[i] === byte);
}

function looksLikeTar(head: Buffer): boolean {
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
  // An empty archive is just zero blocks (`docker save` writes one for an empty layer).
  if (head.length > 0 && head.subarray(0, 512).every((byte) => byte === 0)) return true;
  if (head.length < 512) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i];
  const stored = parseInt(head.toString('latin1', 148, 156).replace(/\0/g, '').trim(), 8);
  return stored === sum;
}

function describeHead(head: Buffer): string {
  if (head.length === 0) return 'the blob is empty';
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (head.toString('latin1', 0, 3) === 'BZh')
    return `it is bzip2-compressed (${hex}), which images do not use`;
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a]))
    return `it is xz-compressed (${hex}), which images do not use`;
  return `it starts with bytes ${hex}, which are neither gzip (1f 8b), zstd (28 b5 2f fd) nor a tar header`;
}

/** Detects the compression of a blob from its first bytes (at least 512 of them, when it has that many). */
export function sniffCompression(head: Buffer): Compression {
  if (startsWith(head, GZIP)) return 'gzip';
  if (startsWith(head, ZSTD)) return 'zstd';
  if (looksLikeTar(head)) return 'none';
  throw new LayerFormatError(`not a layer: ${describeHead(head)}`);
}

/** fzstd's streaming decompressor as a Node transform. */
class ZstdDecompress extends Transform {
  private readonly decoder = new Decompress((data) => {
    this.push(Buffer.from(data));
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      done();
    } catch (error) {
      done(new LayerFormatError(`zstd data is corrupt: ${(error as Error).message}`));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      done();
    } catch (error) {
      done(new LayerFormatError(`zstd data is truncated or corrupt: ${(error as Error).message}`));
    }
  }
}

export interface OpenedBlob {
  compression: Compression;
  /** The uncompressed tar, as a stream of chunks. */
  tar: AsyncIterable<Buffer>;
  /** Compressed bytes read so far, and their sha256 digest once the stream is done. */
  stats(): { compressedBytes: number; digest: string };
}

/**
 * Opens a blob stream as a tar stream. The raw bytes are hashed as they pass,
 * so the caller can check the blob against its digest without a second read.
 */
export async function openBlob(source: AsyncIterable<Buffer>): Promise<OpenedBlob> {
  const iterator = source[Symbol.asyncIterator]();
  const hash = createHash('sha256');
  let compressedBytes = 0;
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < 512) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = head.length ? Buffer.concat([head, next.value]) : next.value;
  }
  const compression = sniffCompression(head);
  hash.update(head);
  compressedBytes += head.length;

  const raw = Readable.from(
    (async function* () {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        hash.update(next.value);
        compressedBytes += next.value.length;
        yield next.value;
      }
    })(),
    { objectMode: false, highWaterMark: 1024 * 1024 },
  );
  const decoder =
    compression === 'gzip'
      ? createGunzip({ chunkSize: 256 * 1024 })
      : compression === 'zstd'
        ? new ZstdDecompress()
        : undefined;
  const tar: Readable = decoder ? pipeline(raw, decoder, () => undefined) : raw;
  return {
    compression,
    tar,
    stats: () => ({ compressedBytes, digest: `sha256:${hash.copy().digest('hex')}` }),
  };
}
