/**
 * Images on disk: `docker save` archives (the legacy form with
 * `<id>/layer.tar`, and kaniko's with `<digest>.tar.gz`), OCI archives and
 * OCI layout folders. The layer order always comes from the manifest the
 * archive names (`manifest.json`, or `index.json` followed to a manifest);
 * it is never guessed from file names.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ImageReadError, ManifestError } from '../errors';
import type { LayerSummary } from '../model/layer';
import { MEDIA_TYPES, parseManifest, sha256Digest, type BlobRef } from '../model/manifest';
import { indexArchive, openMember, readMemberText, type ArchiveIndex } from './archive-index';
import { summariseLayer } from './summarise';

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

interface BlobReader {
  exists(digest: string): boolean;
  text(digest: string): Promise<string>;
  open(digest: string): Readable;
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) {
    throw new ManifestError(`"${digest}" is not a valid blob digest (expected sha256:<hex>)`, {
      digest,
    });
  }
  return `blobs/${algorithm}/${hex}`;
}

function archiveBlobs(index: ArchiveIndex): BlobReader {
  const member = (digest: string) => {
    const found = index.members.get(blobPath(digest));
    if (!found) {
      throw new ImageReadError(
        `${index.file} has no blob ${digest} (expected ${blobPath(digest)})`,
        {
          image: index.file,
        },
      );
    }
    return found;
  };
  return {
    exists: (digest) => index.members.has(blobPath(digest)),
    text: (digest) => readMemberText(index, member(digest)),
    open: (digest) => openMember(index, member(digest)),
  };
}

async function layoutBlobs(folder: string): Promise<BlobReader> {
  const { existsSync } = await import('node:fs');
  return {
    exists: (digest) => existsSync(join(folder, blobPath(digest))),
    text: (digest) => readFile(join(folder, blobPath(digest)), 'utf8'),
    open: (digest) =>
      createReadStream(join(folder, blobPath(digest)), { highWaterMark: 1024 * 1024 }),
  };
}

function verified(body: string, digest: string, what: string, image: string): string {
  const actual = sha256Digest(body);
  if (actual !== digest) {
    throw new ManifestError(
      `${what} ${digest} of ${image} does not match its bytes (they hash to ${actual}); the archive is corrupt or was edited. Export the image again`,
      { digest },
    );
  }
  return body;
}

function platformOf(child: { platform?: { os?: string; architecture?: string } }): string {
  return `${child.platform?.os ?? '?'}/${child.platform?.architecture ?? '?'}`;
}

/** Follows an OCI index (possibly nested) to one image manifest. */
async function followIndex(
  body: string,
  digest: string,
  blobs: BlobReader,
  image: string,
  options: OpenLocalImageOptions,
): Promise<{ manifest: string; manifestDigest: string }> {
  const parsed = parseManifest(body, digest);
  if (parsed.kind === 'image') return { manifest: body, manifestDigest: digest };
  const candidates = parsed.children.filter((child) => !child.attestation);
  const chosen = options.platform
    ? candidates.find((child) => platformOf(child) === options.platform)
    : candidates.length === 1
      ? candidates[0]
      : (candidates.find((child) => platformOf(child) === 'linux/amd64') ?? candidates[0]);
  if (!chosen) {
    throw new ImageReadError(
      `${image} has no image for platform ${options.platform ?? '(any)'}; it holds ${
        candidates.map(platformOf).join(', ') || 'no images'
      }. Pass one of those with --platform`,
      { image },
    );
  }
  const childBody = verified(await blobs.text(chosen.digest), chosen.digest, 'manifest', image);
  return followIndex(childBody, chosen.digest, blobs, image, options);
}

async function openOci(
  image: string,
  format: LocalImageFormat,
  indexText: string,
  blobs: BlobReader,
  options: OpenLocalImageOptions,
): Promise<LocalImage> {
  const indexDigest = sha256Digest(indexText);
  const top = await followIndex(indexText, indexDigest, blobs, image, options);
  const parsed = parseManifest(top.manifest, top.manifestDigest);
  if (!parsed.config) {
    throw new ImageReadError(`the manifest of ${image} has no config blob`, { image });
  }
  const config = verified(
    await blobs.text(parsed.config.digest),
    parsed.config.digest,
    'config',
    image,
  );
  const missing = parsed.layers.find((layer) => !blobs.exists(layer.digest));
  if (missing) {
    throw new ImageReadError(
      `${image} lacks layer blob ${missing.digest} that its manifest lists`,
      { image },
    );
  }
  return {
    image,
    format,
    repoTags: [],
    manifest: top.manifest,
    manifestDigest: top.manifestDigest,
    config,
    configDigest: parsed.config.digest,
    layers: parsed.layers,
    openBlob: (digest) => blobs.open(digest),
  };
}

interface DockerManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

const HEX_DIGEST = /(?:sha256[:_]|^|\/)([a-f0-9]{64})(?:\.tar(?:\.gz)?|\/layer\.tar)?$/;

async function openDockerArchive(
  image: string,
  index: ArchiveIndex,
  options: OpenLocalImageOptions,
): Promise<LocalImage> {
  const manifestMember = index.members.get('manifest.json')!;
  let entries: DockerManifestEntry[];
  try {
    entries = JSON.parse(await readMemberText(index, manifestMember)) as DockerManifestEntry[];
  } catch (error) {
    throw new ImageReadError(`manifest.json in ${image} is not valid JSON`, {
      image,
      cause: error,
    });
  }
  const entry = entries?.[0];
  if (!entry?.Config || !Array.isArray(entry.Layers)) {
    throw new ImageReadError(`manifest.json in ${image} has no image with Config and Layers`, {
      image,
    });
  }
  void options;
  const configMember = index.members.get(entry.Config.replace(/^\.\//, ''));
  if (!configMember) {
    throw new ImageReadError(`${image} lacks the config ${entry.Config} that manifest.json names`, {
      image,
    });
  }
  const config = await readMemberText(index, configMember);
  const configDigest = sha256Digest(config);
  const named = HEX_DIGEST.exec(entry.Config)?.[1];
  if (named && !entry.Config.includes('/layer.tar') && `sha256:${named}` !== configDigest) {
    verified(config, `sha256:${named}`, 'config', image);
  }
  let diffIds: string[] = [];
  try {
    diffIds = (JSON.parse(config) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  } catch (error) {
    throw new ImageReadError(`the config of ${image} is not valid JSON`, { image, cause: error });
  }

  const byDigest = new Map<string, string>();
  const layers: BlobRef[] = entry.Layers.map((name, i) => {
    const member = index.members.get(name.replace(/^\.\//, ''));
    if (!member) {
      throw new ImageReadError(`${image} lacks layer ${name} that manifest.json lists`, { image });
    }
    const gzipped = name.endsWith('.gz');
    // A plain `<id>/layer.tar` is the uncompressed layer, whose digest is its diff id.
    const hex = name.endsWith('/layer.tar')
      ? diffIds[i]?.replace(/^sha256:/, '')
      : HEX_DIGEST.exec(name)?.[1];
    const digest = hex ? `sha256:${hex}` : `sha256:unknown-${i}`;
    byDigest.set(digest, member.name);
    return {
      digest,
      sizeBytes: member.sizeBytes,
      mediaType: gzipped
        ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
        : 'application/vnd.docker.image.rootfs.diff.tar',
    };
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.dockerManifest,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: Buffer.byteLength(config),
      digest: configDigest,
    },
    layers: layers.map((layer) => ({
      mediaType: layer.mediaType,
      size: layer.sizeBytes,
      digest: layer.digest,
    })),
  });
  return {
    image,
    format: 'docker-archive',
    repoTags: entry.RepoTags ?? [],
    manifest,
    manifestDigest: sha256Digest(manifest),
    config,
    configDigest,
    layers,
    openBlob: (digest) => openMember(index, index.members.get(byDigest.get(digest) ?? '')!),
  };
}

/**
 * Opens an image on disk without reading its layers. Throws ImageReadError
 * naming what is wrong for anything that is not an image (a plain root file
 * system tar, a compressed archive, a missing blob).
 */
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
    return openOci(path, 'oci-layout', indexText, await layoutBlobs(path), options);
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
