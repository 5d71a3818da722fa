/**
 * OCI images on disk: an OCI archive (a tar holding `oci-layout`,
 * `index.json` and `blobs/`) or an OCI layout folder. `index.json` is
 * followed, through nested indexes, to one image manifest; every manifest
 * and config is checked against its digest.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ImageReadError, ManifestError } from '../errors';
import { parseManifest, sha256Digest } from '../model/manifest';
import { openMember, readMemberText, type ArchiveIndex } from './archive-index';
import type { LocalImage, LocalImageFormat, OpenLocalImageOptions } from './image-types';

export interface BlobReader {
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

export function archiveBlobs(index: ArchiveIndex): BlobReader {
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

export function layoutBlobs(folder: string): BlobReader {
  return {
    exists: (digest) => existsSync(join(folder, blobPath(digest))),
    text: (digest) => readFile(join(folder, blobPath(digest)), 'utf8'),
    open: (digest) =>
      createReadStream(join(folder, blobPath(digest)), { highWaterMark: 1024 * 1024 }),
  };
}

export function verified(body: string, digest: string, what: string, image: string): string {
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

export async function openOci(
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
