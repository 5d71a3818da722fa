/** What an image on disk looks like once opened, whatever its format. */
import type { Readable } from 'node:stream';
import type { BlobRef } from '../model/manifest';

export type LocalImageFormat = 'docker-archive' | 'oci-archive' | 'oci-layout';

export interface LocalImage {
  /** The path that was read. */
  image: string;
  format: LocalImageFormat;
  /** Tags recorded in the archive, when it has any. */
  repoTags: string[];
  /** The manifest body (synthesised, in Docker v2 form, for `docker save` archives, which carry none). */
  manifest: string;
  manifestDigest: string;
  config: string;
  configDigest: string;
  /** Layer blobs in the manifest's order. */
  layers: BlobRef[];
  /** Streams one blob, as stored. */
  openBlob(digest: string): Readable;
}

export interface OpenLocalImageOptions {
  /** For archives holding several images or platforms: `os/arch`, e.g. `linux/amd64`. */
  platform?: string;
}
