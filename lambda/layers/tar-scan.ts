/**
 * A push-based streaming reader of tar headers. It sees every entry's header
 * and skips file data without copying it, except for the few small files a
 * caller asks to keep (such as `/etc/os-release`).
 *
 * It stops at the end-of-archive marker (a zero block), as Go's archive/tar
 * and dive do: eStargz layers carry their table of contents *after* that
 * marker, and it is not part of the image's file system.
 */

import { createHash, type Hash } from 'node:crypto';

const BLOCK = 512;

export type TarEntryType =
  'file' | 'hardlink' | 'symlink' | 'char-device' | 'block-device' | 'dir' | 'fifo' | 'other';

export interface TarHeader {
  /** The name as written in the archive (after PAX and GNU long-name records). */
  name: string;
  sizeBytes: number;
  type: TarEntryType;
  linkName?: string;
  /** Offset of the header in the uncompressed stream. */
  offset: number;
}

export interface TarScanHandlers {
  entry(header: TarHeader): void;
  /** Return true to receive the entry's data (for small files only). */
  wantsData?(header: TarHeader): boolean;
  data?(header: TarHeader, content: Buffer): void;
  /** Receives the sha256 of every regular file's data (non-empty files only), when hashing is on. */
  contentHash?(header: TarHeader, hash: Buffer): void;
}

/** Why a byte stream is not a readable tar archive. */
export class TarFormatError extends Error {}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'dir',
  '6': 'fifo',
};

export function readString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

export function readNumber(block: Buffer, start: number, length: number): number {
  // GNU base-256 form, for sizes of 8 GiB and more.
  if (block[start] & 0x80) {
    let value = block[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = readString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return NaN;
  return parseInt(text, 8);
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

export function checksumMatches(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 32 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

export function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(32, at);
    if (space === -1) break;
    const length = parseInt(body.toString('utf8', at, space), 10);
    if (!(length > 0)) break;
    const record = body.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

export function padded(sizeBytes: number): number {
  return Math.ceil(sizeBytes / BLOCK) * BLOCK;
}

/**
 * Feed it decompressed bytes with `push`, then call `end`. Throws
 * TarFormatError on a header that is not tar, and on data that ends inside
 * an entry.
 */
export class TarScanner {
  /** True once the end-of-archive marker has been read. */
  finished = false;
  /** Entries seen, PAX and GNU records excluded. */
  entryCount = 0;
  private offset = 0;
  private headerBuffer = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of the current entry's data (and padding) still to skip or collect. */
  private remaining = 0;
  private dataLength = 0;
  private collecting?: {
    header: TarHeader | 'pax' | 'pax-global' | 'long-name' | 'long-link';
    parts: Buffer[];
  };
  private pax: Record<string, string> = {};
  private paxGlobal: Record<string, string> = {};
  private longName?: string;
  private longLink?: string;

  private hashing?: { header: TarHeader; hash: Hash };

  constructor(private readonly handlers: TarScanHandlers) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.finished) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        if (this.collecting || this.hashing) {
          const position = padded(this.dataLength) - this.remaining;
          const wanted = Math.max(0, Math.min(take, this.dataLength - position));
          if (wanted > 0) {
            const data = chunk.subarray(at, at + wanted);
            this.hashing?.hash.update(data);
            this.collecting?.parts.push(Buffer.from(data));
          }
        }
        this.remaining -= take;
        this.offset += take;
        at += take;
        if (this.remaining === 0) this.finishData();
        continue;
      }
      const take = Math.min(BLOCK - this.headerFill, chunk.length - at);
      chunk.copy(this.headerBuffer, this.headerFill, at, at + take);
      this.headerFill += take;
      at += take;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.readHeader(this.headerBuffer);
        this.offset += BLOCK;
      }
    }
  }

  /** Call when the input ends; throws if it ended inside an entry. */
  end(): void {
    if (this.finished) return;
    // Some writers (umoci) end the archive right after the last file's data,
    // without its padding or the end marker; Go's reader accepts that too.
    const dataLeft = this.remaining - (padded(this.dataLength) - this.dataLength);
    if (this.remaining > 0 && dataLeft <= 0) {
      this.remaining = 0;
      this.finishData();
    }
    if (this.remaining > 0 || this.headerFill > 0) {
      throw new TarFormatError(
        `the layer ends in the middle of an entry (at byte ${this.offset + this.headerFill} of the uncompressed tar); the blob is truncated`,
      );
    }
    // A tar without its end-of-archive marker ends at an entry boundary: accepted, as Go does.
    this.finished = true;
  }

  private readHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.finished = true;
      return;
    }
    if (!checksumMatches(block)) {
      throw new TarFormatError(
        `not a tar archive: the header at byte ${this.offset} of the uncompressed stream has a bad checksum`,
      );
    }
    const flag = String.fromCharCode(block[156]);
    const sizeBytes = readNumber(block, 124, 12);
    if (!Number.isFinite(sizeBytes) || sizeBytes < 0) {
      throw new TarFormatError(
        `not a tar archive: the header at byte ${this.offset} has an invalid size`,
      );
    }

    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const kind = { x: 'pax', g: 'pax-global', L: 'long-name', K: 'long-link' }[flag] as
        'pax' | 'pax-global' | 'long-name' | 'long-link';
      if (sizeBytes > 1024 * 1024) {
        throw new TarFormatError(
          `a tar ${kind} record of ${sizeBytes} bytes is too large to be real`,
        );
      }
      this.startData(sizeBytes, { header: kind, parts: [] });
      return;
    }

    let name = readString(block, 0, 100);
    if (block.toString('latin1', 257, 262) === 'ustar' && block[345] !== 0) {
      name = `${readString(block, 345, 155)}/${name}`;
    }
    let linkName: string | undefined = block[157] ? readString(block, 157, 100) : undefined;
    let size = sizeBytes;
    const pax = { ...this.paxGlobal, ...this.pax };
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) linkName = this.longLink;
    if (pax.path !== undefined) name = pax.path;
    if (pax.linkpath !== undefined) linkName = pax.linkpath;
    if (pax.size !== undefined) size = Number(pax.size);
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;

    let type = TYPES[flag] ?? 'other';
    if (type === 'file' && name.endsWith('/')) type = 'dir';
    const header: TarHeader = { name, sizeBytes: size, type, linkName, offset: this.offset };
    this.entryCount += 1;
    this.handlers.entry(header);
    // Only regular files carry data; a hard link's size field is ignored, as Go does.
    const dataBytes = type === 'file' || type === 'other' ? size : 0;
    const keep = dataBytes > 0 && this.handlers.wantsData?.(header);
    if (dataBytes > 0 && type === 'file' && this.handlers.contentHash) {
      this.hashing = { header, hash: createHash('sha256') };
    }
    this.startData(dataBytes, keep ? { header, parts: [] } : undefined);
  }

  private startData(sizeBytes: number, collecting: TarScanner['collecting']): void {
    this.dataLength = sizeBytes;
    this.remaining = padded(sizeBytes);
    this.collecting = collecting;
    if (this.remaining === 0) this.finishData();
  }

  private finishData(): void {
    const hashing = this.hashing;
    this.hashing = undefined;
    if (hashing) this.handlers.contentHash?.(hashing.header, hashing.hash.digest());
    const collecting = this.collecting;
    this.collecting = undefined;
    if (!collecting) return;
    const body = Buffer.concat(collecting.parts);
    switch (collecting.header) {
      case 'pax':
        this.pax = parsePax(body);
        return;
      case 'pax-global':
        this.paxGlobal = { ...this.paxGlobal, ...parsePax(body) };
        return;
      case 'long-name':
        this.longName = readString(body, 0, body.length);
        return;
      case 'long-link':
        this.longLink = readString(body, 0, body.length);
        return;
      default:
        this.handlers.data?.(collecting.header, body);
    }
  }
}
