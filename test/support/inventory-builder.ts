/**
 * Builds inventories for tests with real manifest bodies: every digest is
 * the sha256 of the exact bytes stored under it, as a registry serves them.
 */
import type {
  InUseSourceKind,
  ImageRecord,
  Inventory,
  MissingPart,
} from '../../lambda/model/inventory';
import { emptyInventory } from '../../lambda/model/inventory';
import { MEDIA_TYPES, sha256Digest } from '../../lambda/model/manifest';

const DAY_MS = 86_400_000;

export interface LayerSpec {
  /** Same id in two images = the same blob (shared layer). */
  id: string;
  sizeBytes: number;
}

export interface ImageSpec {
  tags?: string[];
  /** Days before the builder's instant the image was pushed. @default 1 */
  ageDays?: number;
  pulledDaysAgo?: number;
  layers?: LayerSpec[];
  storageClass?: 'STANDARD' | 'ARCHIVE';
}

export class InventoryBuilder {
  readonly inventory: Inventory;
  private counter = 0;

  constructor(readonly now = new Date('2026-12-01T12:00:00Z')) {
    this.inventory = emptyInventory(now.toISOString());
  }

  private repo(name: string) {
    let repository = this.inventory.repositories.find((r) => r.name === name);
    if (!repository) {
      repository = { name, images: [] };
      this.inventory.repositories.push(repository);
    }
    return repository;
  }

  private at(days: number | undefined): string {
    return new Date(this.now.getTime() - (days ?? 1) * DAY_MS).toISOString();
  }

  private store(body: string): string {
    const digest = sha256Digest(body);
    this.inventory.manifests[digest] = body;
    return digest;
  }

  private add(repository: string, record: ImageRecord): string {
    this.repo(repository).images.push(record);
    return record.imageDigest;
  }

  repository(name: string, policy?: unknown): this {
    const repository = this.repo(name);
    if (policy !== undefined) {
      repository.lifecyclePolicyText = typeof policy === 'string' ? policy : JSON.stringify(policy);
    }
    return this;
  }

  private manifestBody(layers: LayerSpec[], extra: Record<string, unknown> = {}): string {
    this.counter += 1;
    const config = `{"architecture":"amd64","os":"linux","n":${this.counter}}`;
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256Digest(config),
        size: config.length,
      },
      layers: layers.map((layer) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: sha256Digest(`layer:${layer.id}`),
        size: layer.sizeBytes,
      })),
      ...extra,
    });
  }

  /** A single-platform image; returns its digest. */
  image(repository: string, spec: ImageSpec = {}): string {
    const layers = spec.layers ?? [{ id: `own-${this.counter + 1}`, sizeBytes: 1000 }];
    const body = this.manifestBody(layers);
    return this.add(repository, {
      imageDigest: this.store(body),
      tags: spec.tags ?? [],
      manifestMediaType: MEDIA_TYPES.ociManifest,
      reportedSizeBytes: layers.reduce((n, l) => n + l.sizeBytes, 0),
      pushedAt: this.at(spec.ageDays),
      lastPulledAt: spec.pulledDaysAgo === undefined ? undefined : this.at(spec.pulledDaysAgo),
      storageClass: spec.storageClass ?? 'STANDARD',
    });
  }

  /**
   * A multi-platform index over the given children, optionally with a
   * BuildKit attestation manifest for the first child. Returns the index
   * digest and the attestation's digest.
   */
  index(
    repository: string,
    children: string[],
    spec: ImageSpec & { attestation?: boolean } = {},
  ): { digest: string; attestation?: string } {
    const platforms = ['amd64', 'arm64', 'arm', 's390x'];
    const descriptors: Record<string, unknown>[] = children.map((child, i) => ({
      mediaType: MEDIA_TYPES.ociManifest,
      digest: child,
      size: this.inventory.manifests[child]?.length ?? 500,
      platform: { os: 'linux', architecture: platforms[i % platforms.length] },
    }));
    let attestation: string | undefined;
    if (spec.attestation) {
      attestation = this.image(repository, {
        ageDays: spec.ageDays,
        layers: [{ id: `provenance-${this.counter}`, sizeBytes: 800 }],
      });
      descriptors.push({
        mediaType: MEDIA_TYPES.ociManifest,
        digest: attestation,
        size: this.inventory.manifests[attestation].length,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': children[0],
        },
      });
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: descriptors,
    });
    const digest = this.add(repository, {
      imageDigest: this.store(body),
      tags: spec.tags ?? [],
      manifestMediaType: MEDIA_TYPES.ociIndex,
      reportedSizeBytes: 1000,
      pushedAt: this.at(spec.ageDays),
      storageClass: 'STANDARD',
    });
    return { digest, attestation };
  }

  /** An OCI referrer (signature, SBOM) of `subject`; returns its digest. */
  referrer(
    repository: string,
    subject: string,
    spec: ImageSpec & { artifactType?: string } = {},
  ): string {
    const artifactType = spec.artifactType ?? 'application/vnd.dev.cosign.artifact.sig.v1+json';
    const body = this.manifestBody(spec.layers ?? [{ id: `sig-${this.counter}`, sizeBytes: 300 }], {
      artifactType,
      subject: { mediaType: MEDIA_TYPES.ociManifest, digest: subject, size: 500 },
    });
    return this.add(repository, {
      imageDigest: this.store(body),
      tags: spec.tags ?? [],
      manifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: artifactType,
      reportedSizeBytes: 300,
      pushedAt: this.at(spec.ageDays),
      storageClass: 'STANDARD',
      subjectDigest: subject,
    });
  }

  inUse(
    repository: string,
    ref: { tag?: string; digest?: string },
    source: { kind: InUseSourceKind; id: string },
  ): this {
    const imageRef = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    this.inventory.inUse.push({ imageRef, repository, ...ref, source });
    return this;
  }

  missing(part: MissingPart): this {
    this.inventory.missing.push(part);
    return this;
  }

  build(): Inventory {
    return this.inventory;
  }
}
