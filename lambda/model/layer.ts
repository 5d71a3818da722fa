/**
 * What a layer holds, reduced to what size analysis needs. A summary is
 * computed once per layer digest, by streaming the layer, and cached.
 */

export type LayerEntryType =
  'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque-whiteout' | 'other';

export interface LayerEntry {
  /** Path inside the image, normalised: no leading `./` or `/`. */
  path: string;
  /** The tar header size: file bytes for regular files, 0 for everything else. */
  sizeBytes: number;
  type: LayerEntryType;
}

export interface LayerSummary {
  /** Digest of the blob as stored in the registry (usually compressed). */
  digest: string;
  /** Sum of the tar-header sizes of every entry (uncompressed file bytes). */
  sizeBytes: number;
  entries: LayerEntry[];
}
