/**
 * An index of the members of an uncompressed tar file on disk (`docker save`
 * output, OCI archives), read header by header with positional reads, so a
 * multi-gigabyte archive is indexed without reading its contents.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ImageReadError } from '../errors';
import { checksumMatches, isZeroBlock, padded, parsePax, readNumber, readString } from './tar-scan';

export interface ArchiveMember {
  name: string;
  /** Offset of the member's data in the file. */
  offset: number;
  sizeBytes: number;
  type: 'file' | 'dir' | 'other';
}

export interface ArchiveIndex {
  file: string;
  members: Map<string, ArchiveMember>;
  /** Member names in archive order, for messages. */
  names: string[];
}

function memberName(raw: string): string {
  return raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

/** Reads the member list of a tar archive. Throws ImageReadError when the file is not a tar. */
export async function indexArchive(file: string): Promise<ArchiveIndex> {
  const handle = await open(file, 'r');
  const members = new Map<string, ArchiveMember>();
  const names: string[] = [];
  try {
    const fileSize = (await handle.stat()).size;
    let offset = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    while (offset + 512 <= fileSize) {
      const block = await readAt(handle, offset, 512);
      if (isZeroBlock(block)) break;
      if (!checksumMatches(block)) {
        const head = offset === 0 ? await readAt(handle, 0, 4) : Buffer.alloc(0);
        const hint =
          head[0] === 0x1f && head[1] === 0x8b
            ? ' It is gzip-compressed: decompress it first (gunzip) and pass the .tar.'
            : '';
        throw new ImageReadError(
          `${file} is not a tar archive (bad header at byte ${offset}).${hint} Pass a \`docker save\` archive, an OCI archive or an OCI layout folder`,
          { image: file },
        );
      }
      const flag = String.fromCharCode(block[156]);
      let size = readNumber(block, 124, 12);
      const dataOffset = offset + 512;
      if (flag === 'x' || flag === 'L') {
        const body = await readAt(handle, dataOffset, size);
        if (flag === 'x') pax = parsePax(body);
        else longName = readString(body, 0, body.length);
        offset = dataOffset + padded(size);
        continue;
      }
      let name = readString(block, 0, 100);
      if (block.toString('latin1', 257, 262) === 'ustar' && block[345] !== 0) {
        name = `${readString(block, 345, 155)}/${name}`;
      }
      if (longName !== undefined) name = longName;
      if (pax.path !== undefined) name = pax.path;
      if (pax.size !== undefined) size = Number(pax.size);
      pax = {};
      longName = undefined;
      const type =
        flag === '5' || name.endsWith('/')
          ? 'dir'
          : flag === '0' || flag === '\0'
            ? 'file'
            : 'other';
      const member: ArchiveMember = {
        name: memberName(name),
        offset: dataOffset,
        sizeBytes: size,
        type,
      };
      if (member.name) {
        members.set(member.name, member);
        names.push(member.name);
      }
      // Links and directories carry no data whatever their size field says.
      offset = dataOffset + ('125'.includes(flag) ? 0 : padded(size));
      if (offset > fileSize) {
        throw new ImageReadError(
          `${file} is truncated: member "${member.name}" needs ${size} bytes but the file ends first`,
          { image: file },
        );
      }
    }
    return { file, members, names };
  } finally {
    await handle.close();
  }
}

/** Streams one member of an indexed archive. */
export function openMember(index: ArchiveIndex, member: ArchiveMember): Readable {
  if (member.sizeBytes === 0) return Readable.from([]);
  return createReadStream(index.file, {
    start: member.offset,
    end: member.offset + member.sizeBytes - 1,
    highWaterMark: 1024 * 1024,
  });
}

/** Reads one small member (a manifest, an index, a config) as text. */
export async function readMemberText(index: ArchiveIndex, member: ArchiveMember): Promise<string> {
  const handle = await open(index.file, 'r');
  try {
    return (await readAt(handle, member.offset, member.sizeBytes)).toString('utf8');
  } finally {
    await handle.close();
  }
}
