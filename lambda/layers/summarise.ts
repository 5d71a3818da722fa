/**
 * One layer blob, streamed, turned into a LayerSummary: every entry's path,
 * size and type, whiteouts resolved to the paths they delete, and the
 * distribution's `os-release` when the layer carries one.
 */
import { ImageReadError } from '../errors';
import { LAYER_SUMMARY_FORMAT, type LayerEntry, type LayerSummary } from '../model/layer';
import { LayerFormatError, openBlob } from './decompress';
import { TarFormatError, TarScanner, type TarHeader } from './tar-scan';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';
const OS_RELEASE_PATHS = new Set(['etc/os-release', 'usr/lib/os-release']);
const OS_RELEASE_MAX_BYTES = 8192;

/** Thrown for a tar entry whose path could escape the image root. */
export class UnsafePathError extends Error {}

/**
 * Normalises a tar entry name to the path form of LayerEntry: no leading
 * `./`, no trailing `/`. Returns '' for the root itself. Rejects absolute
 * paths and `..` components, which no image builder writes and which would
 * escape the root if the layer were ever unpacked.
 */
export function normaliseEntryPath(name: string): string {
  // kaniko writes the root itself as "/"; any other absolute name is refused.
  if (/^\/+$/.test(name)) return '';
  if (name.startsWith('/')) {
    throw new UnsafePathError(
      `tar entry "${name}" has an absolute path; layer entries are relative to the image root`,
    );
  }
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new UnsafePathError(
        `tar entry "${name}" contains "..", which would escape the image root`,
      );
    }
    parts.push(part);
  }
  return parts.join('/');
}

function entryFor(header: TarHeader, path: string): LayerEntry {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const parent = slash === -1 ? '' : path.slice(0, slash);
  if (base === OPAQUE_WHITEOUT) return { path: parent, sizeBytes: 0, type: 'opaque-whiteout' };
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const target = base.slice(WHITEOUT_PREFIX.length);
    return {
      path: parent ? `${parent}/${target}` : target,
      sizeBytes: 0,
      type: 'whiteout',
    };
  }
  switch (header.type) {
    case 'file':
      return { path, sizeBytes: header.sizeBytes, type: 'file' };
    case 'dir':
      return { path, sizeBytes: 0, type: 'dir' };
    case 'symlink':
      return { path, sizeBytes: 0, type: 'symlink' };
    case 'hardlink':
      return { path, sizeBytes: 0, type: 'hardlink' };
    default:
      return { path, sizeBytes: header.sizeBytes, type: 'other' };
  }
}

/** Parses `os-release` (KEY=value lines, values optionally quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

export interface SummariseLayerOptions {
  /** The digest the blob is known by; the bytes must hash to it when `verify` is set. */
  digest: string;
  verify?: boolean;
  /** Hash every file's data (see LayerEntry.contentHash). @default true */
  hashContents?: boolean;
  /** Names the image in error messages. */
  image: string;
}

/**
 * Streams one layer blob (compressed or not) into a LayerSummary. Only
 * headers and `os-release` are kept; file data passes through and is dropped.
 */
export async function summariseLayer(
  blob: AsyncIterable<Buffer>,
  options: SummariseLayerOptions,
): Promise<LayerSummary> {
  const entries: LayerEntry[] = [];
  let last: { header: TarHeader; entry: LayerEntry } | undefined;
  let sizeBytes = 0;
  let osRelease: Record<string, string> | undefined;
  const fail = (message: string, cause?: unknown): never => {
    throw new ImageReadError(`layer ${options.digest} of ${options.image}: ${message}`, {
      image: options.image,
      cause,
    });
  };

  try {
    const opened = await openBlob(blob);
    const scanner = new TarScanner({
      entry(header) {
        const path = normaliseEntryPath(header.name);
        if (path === '') return;
        const entry = entryFor(header, path);
        entries.push(entry);
        last = { header, entry };
        sizeBytes += header.type === 'file' || header.type === 'other' ? header.sizeBytes : 0;
      },
      wantsData: (header) =>
        header.type === 'file' &&
        header.sizeBytes <= OS_RELEASE_MAX_BYTES &&
        OS_RELEASE_PATHS.has(normaliseEntryPath(header.name)),
      data(_header, content) {
        osRelease = parseOsRelease(content.toString('utf8'));
      },
      contentHash:
        options.hashContents === false
          ? undefined
          : (header, hash) => {
              if (last?.header === header && last.entry.type === 'file') {
                last.entry.contentHash = hash.subarray(0, 16).toString('base64url');
              }
            },
    });
    for await (const chunk of opened.tar) {
      if (!scanner.finished) scanner.push(chunk);
    }
    scanner.end();

    const { compressedBytes, digest } = opened.stats();
    if (options.verify && digest !== options.digest) {
      fail(
        `the blob's bytes hash to ${digest}, not to its digest; the download or archive is corrupt or was altered. Fetch it again`,
      );
    }
    return {
      format: LAYER_SUMMARY_FORMAT,
      digest: options.digest,
      compression: opened.compression,
      compressedSizeBytes: compressedBytes,
      sizeBytes,
      entryCount: entries.length,
      ...(osRelease ? { osRelease } : {}),
      entries,
    };
  } catch (error) {
    if (error instanceof ImageReadError) throw error;
    if (
      error instanceof LayerFormatError ||
      error instanceof TarFormatError ||
      error instanceof UnsafePathError
    ) {
      return fail((error as Error).message, error);
    }
    const message = (error as Error).message ?? String(error);
    if (/unexpected end of file/i.test(message)) {
      return fail(
        'the gzip stream ends early; the blob is truncated. Fetch or export it again',
        error,
      );
    }
    if (/incorrect header check|invalid (block|distance|code)|too many length/i.test(message)) {
      return fail(`the gzip stream is corrupt (${message})`, error);
    }
    throw error;
  } finally {
    // On failure the rest of the blob is unread: release the file or connection behind it.
    (blob as { destroy?: () => void }).destroy?.();
  }
}
