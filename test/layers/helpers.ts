/** Builds small layer blobs in memory with tar-stream, for reader tests. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface TarItem {
  name: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

export async function tarOf(items: TarItem[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const item of items) {
    const body = item.content === undefined ? undefined : Buffer.from(item.content);
    await new Promise<void>((resolve, reject) =>
      archive.entry(
        {
          name: item.name,
          type: item.type ?? 'file',
          linkname: item.linkname,
          size: body?.length ?? 0,
        },
        body ?? Buffer.alloc(0),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function gzipOf(buffer: Buffer): Buffer {
  return gzipSync(buffer);
}

/** A stream of the buffer in small pieces, to exercise every boundary case. */
export function chunked(buffer: Buffer, size = 97): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += size) parts.push(buffer.subarray(at, at + size));
  return Readable.from(parts);
}
