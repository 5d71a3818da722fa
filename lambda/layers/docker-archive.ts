/**
 * `docker save` archives: `manifest.json` names the config and the layers in
 * order. The legacy form stores `<id>/layer.tar` (uncompressed, its digest is
 * the config's diff id); kaniko's stores `<digest>.tar.gz`. Such archives
 * carry no distribution manifest, so one is synthesised in Docker v2 form.
 */
import { ImageReadError } from '../errors';
import { MEDIA_TYPES, sha256Digest, type BlobRef } from '../model/manifest';
import { openMember, readMemberText, type ArchiveIndex } from './archive-index';
import type { LocalImage, OpenLocalImageOptions } from './image-types';
import { verified } from './oci-image';

interface DockerManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

const HEX_DIGEST = /(?:sha256[:_]|^|\/)([a-f0-9]{64})(?:\.tar(?:\.gz)?|\/layer\.tar)?$/;

export async function openDockerArchive(
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
