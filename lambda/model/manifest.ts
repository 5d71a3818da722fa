/**
 * Parsing of image manifests and indexes (Docker v2 and OCI), the only
 * source of truth for which blobs an image references.
 */
import { createHash } from 'node:crypto';
import { ManifestError } from '../errors';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** What BatchGetImage must accept to return indexes rather than one platform's manifest. */
export const ACCEPTED_MANIFEST_MEDIA_TYPES: string[] = Object.values(MEDIA_TYPES);

export interface BlobRef {
  digest: string;
  sizeBytes: number;
  mediaType: string;
}

export interface ChildRef extends BlobRef {
  platform?: { os?: string; architecture?: string; variant?: string };
  /** True for BuildKit attestation manifests (`unknown/unknown` with a reference type). */
  attestation: boolean;
}

export interface ParsedManifest {
  digest: string;
  mediaType: string;
  kind: 'image' | 'index';
  /** Config blob of an image manifest. */
  config?: BlobRef;
  /** Layer blobs of an image manifest, in order. */
  layers: BlobRef[];
  /** Children of an index. */
  children: ChildRef[];
  /** OCI `subject`: the manifest this one refers to (signatures, SBOMs). */
  subjectDigest?: string;
  artifactType?: string;
}

export function sha256Digest(body: string | Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

interface RawDescriptor {
  digest?: unknown;
  size?: unknown;
  mediaType?: unknown;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

function descriptor(raw: RawDescriptor, where: string, digest: string): BlobRef {
  if (typeof raw?.digest !== 'string' || typeof raw.size !== 'number' || raw.size < 0) {
    throw new ManifestError(
      `manifest ${digest} has an invalid descriptor at ${where}: expected a digest string and a non-negative size`,
      { digest },
    );
  }
  return {
    digest: raw.digest,
    sizeBytes: raw.size,
    mediaType: typeof raw.mediaType === 'string' ? raw.mediaType : '',
  };
}

/**
 * Parses a manifest or index body. `digest` is the digest the registry gave;
 * when `verify` is set the body must hash to it.
 */
export function parseManifest(
  body: string,
  digest: string,
  options: { verify?: boolean } = {},
): ParsedManifest {
  if (options.verify && sha256Digest(body) !== digest) {
    throw new ManifestError(
      `manifest body does not match its digest ${digest} (got ${sha256Digest(body)}); the registry answer was altered or truncated`,
      { digest },
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw new ManifestError(`manifest ${digest} is not valid JSON`, { digest, cause: error });
  }
  const mediaType = typeof raw.mediaType === 'string' ? raw.mediaType : '';
  const subject = raw.subject as RawDescriptor | undefined;
  const common = {
    digest,
    subjectDigest: typeof subject?.digest === 'string' ? subject.digest : undefined,
    artifactType: typeof raw.artifactType === 'string' ? raw.artifactType : undefined,
  };

  if (Array.isArray(raw.manifests)) {
    return {
      ...common,
      mediaType: mediaType || MEDIA_TYPES.ociIndex,
      kind: 'index',
      layers: [],
      children: (raw.manifests as RawDescriptor[]).map((child, i) => ({
        ...descriptor(child, `manifests[${i}]`, digest),
        platform: child.platform,
        attestation:
          child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
          (child.platform?.os === 'unknown' && child.platform?.architecture === 'unknown'),
      })),
    };
  }
  if (Array.isArray(raw.layers) || raw.config) {
    return {
      ...common,
      mediaType: mediaType || MEDIA_TYPES.ociManifest,
      kind: 'image',
      config: raw.config ? descriptor(raw.config as RawDescriptor, 'config', digest) : undefined,
      layers: ((raw.layers as RawDescriptor[] | undefined) ?? []).map((layer, i) =>
        descriptor(layer, `layers[${i}]`, digest),
      ),
      children: [],
    };
  }
  throw new ManifestError(
    `manifest ${digest} has neither "layers" nor "manifests"; schema 1 manifests are not supported`,
    { digest },
  );
}
