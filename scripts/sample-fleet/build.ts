/**
 * Building blocks for the sample fleet: content-addressed manifests, indexes
 * and configs whose digests are the sha256 of their bytes, as a registry
 * would serve them.
 */
import { createHash } from 'node:crypto';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';
import type { ImageRecord } from '../../lambda/model/inventory';

/** A small seeded generator (mulberry32), so the fleet is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Blob {
  digest: string;
  sizeBytes: number;
}

/** A layer blob that stands for content named by `seed` (the same seed is the same layer). */
export function layerBlob(seed: string, sizeBytes: number): Blob {
  return {
    digest: `sha256:${createHash('sha256').update(`layer:${seed}`).digest('hex')}`,
    sizeBytes,
  };
}

/**
 * The content hash the legacy builder writes for a copied file or folder
 * (`COPY dir:<hash> in /app`), made from a name.
 */
export function contentHash(seed: string): string {
  return createHash('sha256').update(`content:${seed}`).digest('hex');
}

export interface HistoryStep {
  createdBy: string;
  /** Compressed size of the layer this step made; absent for metadata-only steps. */
  layer?: Blob;
  comment?: string;
}

/** Stored documents: manifest and config bodies by digest. */
export class DocumentStore {
  readonly manifests: Record<string, string> = {};
  readonly configs: Record<string, string> = {};

  config(steps: HistoryStep[], created: string, architecture = 'amd64', extra = {}): Blob {
    const layers = steps.filter((step) => step.layer);
    const body = JSON.stringify({
      architecture,
      os: 'linux',
      created,
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      ...extra,
      rootfs: {
        type: 'layers',
        diff_ids: layers.map(
          (step) =>
            `sha256:${createHash('sha256').update(`diff:${step.layer!.digest}`).digest('hex')}`,
        ),
      },
      history: steps.map((step) => ({
        created,
        created_by: step.createdBy,
        ...(step.comment ? { comment: step.comment } : {}),
        ...(step.layer ? {} : { empty_layer: true }),
      })),
    });
    return this.putConfig(body);
  }

  putConfig(body: string): Blob {
    const digest = sha256Digest(body);
    this.configs[digest] = body;
    return { digest, sizeBytes: Buffer.byteLength(body) };
  }

  manifest(config: Blob, layers: Blob[]): Blob {
    const body = JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: config.sizeBytes,
          digest: config.digest,
        },
        layers: layers.map((layer) => ({
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: layer.sizeBytes,
          digest: layer.digest,
        })),
      },
      null,
      3,
    );
    return this.putManifest(body);
  }

  /** An OCI artifact (signature, SBOM) that refers to `subject`. */
  referrer(subject: Blob, artifactType: string, payload: Blob): Blob {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY.digest, size: 2 },
      layers: [{ mediaType: artifactType, digest: payload.digest, size: payload.sizeBytes }],
      subject: {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: subject.digest,
        size: subject.sizeBytes,
      },
    });
    return this.putManifest(body);
  }

  index(
    children: {
      blob: Blob;
      platform: { os: string; architecture: string };
      attestationOf?: Blob;
    }[],
  ): Blob {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: children.map((child) => ({
        mediaType: MEDIA_TYPES.ociManifest,
        digest: child.blob.digest,
        size: child.blob.sizeBytes,
        platform: child.platform,
        ...(child.attestationOf
          ? {
              annotations: {
                'vnd.docker.reference.digest': child.attestationOf.digest,
                'vnd.docker.reference.type': 'attestation-manifest',
              },
            }
          : {}),
      })),
    });
    return this.putManifest(body);
  }

  putManifest(body: string): Blob {
    const digest = sha256Digest(body);
    this.manifests[digest] = body;
    return { digest, sizeBytes: Buffer.byteLength(body) };
  }
}

const EMPTY = { digest: sha256Digest('{}'), sizeBytes: 2 };

export function imageRecord(
  manifest: Blob,
  mediaType: string,
  tags: string[],
  reportedSizeBytes: number,
  pushedAt: Date,
  extra: Partial<ImageRecord> = {},
): ImageRecord {
  return {
    imageDigest: manifest.digest,
    tags,
    manifestMediaType: mediaType,
    reportedSizeBytes,
    pushedAt: pushedAt.toISOString(),
    storageClass: 'STANDARD',
    ...extra,
  };
}

export const MB = 1_000_000;
export const DAY_MS = 86_400_000;
