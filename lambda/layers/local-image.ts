/**
 * Images on disk: `docker save` archives (the legacy form with
 * `<id>/layer.tar`, and kaniko's with `<digest>.tar.gz`), OCI archives and
 * OCI layout folders. The layer order always comes from the manifest the
 * archive names (`manifest.json`, or `index.json` followed to a manifest);
 * it is never guessed from file names.
 */
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ImageReadError } from '../errors';
import type { LayerSummary } from '../model/layer';
import type { BlobRef } from '../model/manifest';
import { indexArchive, readMemberText } from './archive-index';
import { openDockerArchive } from './docker-archive';
import type { LocalImage, LocalImageFormat, OpenLocalImageOptions } from './image-types';
import { archiveBlobs, layoutBlobs, openOci } from './oci-image';
import { summariseLayer } from './summarise';

export type { LocalImage, LocalImageFormat, OpenLocalImageOptions } from './image-types';

export async function openLocalImage(
  path: string,
  options: OpenLocalImageOptions = {},
): Promise<LocalImage> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ImageReadError(`cannot read ${path}: ${(error as Error).message}`, {
      image: path,
      cause: error,
    });
  }
  if (info.isDirectory()) {
    let indexText: string;
    try {
      indexText = await readFile(join(path, 'index.json'), 'utf8');
    } catch (error) {
      throw new ImageReadError(
        `${path} is a folder without index.json, so not an OCI image layout. Pass an OCI layout folder, or an archive made by docker save`,
        { image: path, cause: error },
      );
    }
    return openOci(path, 'oci-layout', indexText, layoutBlobs(path), options);
  }

  const index = await indexArchive(path);
  if (index.members.has('index.json') && index.members.has('oci-layout')) {
    const indexText = await readMemberText(index, index.members.get('index.json')!);
    return openOci(path, 'oci-archive', indexText, archiveBlobs(index), options);
  }
  if (index.members.has('manifest.json')) return openDockerArchive(path, index, options);
  const shown = index.names.slice(0, 5).join(', ') || 'nothing';
  throw new ImageReadError(
    `${path} is not an image archive: it has neither manifest.json (docker save) nor index.json and oci-layout (OCI); it holds ${shown}${
      index.names.length > 5 ? ', …' : ''
    }, which looks like a plain file system tar. Export the image with \`docker save\`, \`skopeo copy … oci-archive:\` or \`docker buildx build --output type=oci\``,
    { image: path },
  );
}

export interface LocalImageRead {
  manifestDigest: string;
  manifest: string;
  configDigest: string;
  config: string;
  /** Layer blobs in order: digest and stored (usually compressed) size. */
  layers: BlobRef[];
  /** One summary per distinct layer digest, in the manifest's order. */
  summaries: LayerSummary[];
  repoTags: string[];
  format: LocalImageFormat;
}

/** What summarising needs of an image, local or in a registry. */
export interface LayerSource {
  image: string;
  layers: BlobRef[];
  openBlob(digest: string): Readable | Promise<Readable>;
}

/** Summarises every distinct layer of an opened image, checking each blob against its digest. */
export async function summariseLocalLayers(image: LayerSource): Promise<LayerSummary[]> {
  const summaries = new Map<string, LayerSummary>();
  for (const layer of image.layers) {
    if (summaries.has(layer.digest)) continue;
    const summary = await summariseLayer(await image.openBlob(layer.digest), {
      digest: layer.digest,
      verify: !layer.digest.startsWith('sha256:unknown-'),
      image: image.image,
    });
    summaries.set(layer.digest, summary);
  }
  return [...summaries.values()];
}

/**
 * Reads an image archive or OCI layout folder: its manifest and config
 * bodies, layer digests and sizes, and a LayerSummary per layer.
 */
export async function readLocalImage(
  path: string,
  options: OpenLocalImageOptions = {},
): Promise<LocalImageRead> {
  const image = await openLocalImage(path, options);
  const summaries = await summariseLocalLayers(image);
  return {
    manifestDigest: image.manifestDigest,
    manifest: image.manifest,
    configDigest: image.configDigest,
    config: image.config,
    layers: image.layers,
    summaries,
    repoTags: image.repoTags,
    format: image.format,
  };
}
