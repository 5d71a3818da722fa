/**
 * What a layer holds, reduced to what size analysis needs. A summary is
 * computed once per layer digest, by streaming the layer, and cached by
 * digest (`layers/<digest>.json`). It is plain JSON: snapshots store it.
 */

/** Bumped when summaries written by an older release lack something analysis needs. */
export const LAYER_SUMMARY_FORMAT = 2;

export type LayerEntryType =
  'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque-whiteout' | 'other';

export interface LayerEntry {
  /**
   * Path inside the image, normalised: no leading `./` or `/`, no trailing `/`.
   * For a `whiteout` it is the path the whiteout deletes (`a/.wh.b` → `a/b`);
   * for an `opaque-whiteout` it is the directory whose lower contents it
   * hides (`a/.wh..wh..opq` → `a`).
   */
  path: string;
  /** The tar header size: file bytes for regular files, 0 for everything else. */
  sizeBytes: number;
  type: LayerEntryType;
  /**
   * For regular files with data: the first 128 bits of the sha256 of the
   * data, base64url. Tells a re-shipped unchanged file from a changed one,
   * and finds the same content at several paths.
   */
  contentHash?: string;
}

export interface LayerSummary {
  /** Format of this summary; a cached one with another format is read again. */
  format?: number;
  /** Digest of the blob as stored in the registry (usually compressed). */
  digest: string;
  /** How the blob was compressed, as detected from its first bytes. */
  compression?: 'gzip' | 'zstd' | 'none';
  /** Bytes of the blob as stored (what the byte budget and stored bytes count). */
  compressedSizeBytes?: number;
  /** Sum of the tar-header sizes of every entry (uncompressed file bytes). */
  sizeBytes: number;
  entryCount?: number;
  /** Fields of `etc/os-release` (or `usr/lib/os-release`), when this layer writes one. */
  osRelease?: Record<string, string>;
  entries: LayerEntry[];
}
