/**
 * Storage accounting from manifests: stored bytes are the distinct blobs a
 * repository's images reference, and reclaimable bytes are the blobs that
 * only a given set of images references. `imageSizeInBytes` is never summed:
 * it counts shared layers in every image and an index as its largest child.
 */
import { parseManifest, type ParsedManifest } from '../model/manifest';
import type { ImageRecord, Inventory, RepositoryRecord } from '../model/inventory';

/** Parses manifests on first use and remembers them; unknown or broken ones give undefined. */
export class ManifestIndex {
  private readonly parsed = new Map<string, ParsedManifest | null>();

  constructor(private readonly bodies: Record<string, string>) {}

  get(digest: string): ParsedManifest | undefined {
    let entry = this.parsed.get(digest);
    if (entry === undefined) {
      const body = this.bodies[digest];
      try {
        entry = body === undefined ? null : parseManifest(body, digest);
      } catch {
        entry = null;
      }
      this.parsed.set(digest, entry);
    }
    return entry ?? undefined;
  }
}

/**
 * The blobs one image itself references, with their sizes. An index
 * references no layers of its own: its children are images of their own.
 * When the manifest is unknown, the image's reported size stands in for
 * its blobs, keyed by the image digest, so nothing is silently counted as 0.
 */
export function imageBlobs(image: ImageRecord, manifests: ManifestIndex): Map<string, number> {
  const blobs = new Map<string, number>();
  const manifest = manifests.get(image.imageDigest);
  if (!manifest) {
    blobs.set(image.imageDigest, safeBytes(image.reportedSizeBytes));
    return blobs;
  }
  for (const blob of [manifest.config, ...manifest.layers]) {
    if (blob) blobs.set(blob.digest, safeBytes(blob.sizeBytes));
  }
  return blobs;
}

function safeBytes(value: number | undefined): number {
  return Number.isFinite(value) && (value as number) > 0 ? Math.round(value as number) : 0;
}

/** Distinct blobs of a repository with their sizes and how many images use each. */
export class RepositoryBlobs {
  private readonly sizes = new Map<string, number>();
  private readonly users = new Map<string, number>();
  private readonly byImage = new Map<string, Map<string, number>>();

  constructor(repository: RepositoryRecord, manifests: ManifestIndex) {
    for (const image of repository.images) {
      const blobs = imageBlobs(image, manifests);
      this.byImage.set(image.imageDigest, blobs);
      for (const [digest, size] of blobs) {
        // Two manifests should agree on a blob's size; if they do not, the larger is kept, whatever the order.
        this.sizes.set(digest, Math.max(size, this.sizes.get(digest) ?? 0));
        this.users.set(digest, (this.users.get(digest) ?? 0) + 1);
      }
    }
  }

  /** What the repository really occupies: each distinct blob once. */
  get storedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /** Number of distinct blobs. */
  get blobCount(): number {
    return this.sizes.size;
  }

  /** Each distinct blob with its size. */
  blobSizes(): ReadonlyMap<string, number> {
    return this.sizes;
  }

  /** Blobs the image references, with sizes. */
  blobsOf(imageDigest: string): Map<string, number> {
    return this.byImage.get(imageDigest) ?? new Map();
  }

  /** What deleting exactly these images would free: blobs no other image references. */
  reclaimableBytes(imageDigests: Iterable<string>): number {
    const removedUses = new Map<string, number>();
    for (const digest of new Set(imageDigests)) {
      for (const blob of this.blobsOf(digest).keys()) {
        removedUses.set(blob, (removedUses.get(blob) ?? 0) + 1);
      }
    }
    let total = 0;
    for (const [blob, uses] of removedUses) {
      if (uses >= (this.users.get(blob) ?? 0)) total += this.sizes.get(blob) ?? 0;
    }
    return total;
  }
}

/** Money per month for a number of bytes at a price per GB-month (1 GB = 10^9 bytes, as AWS bills). */
export function monthlyCostUsd(bytes: number, pricePerGbMonthUsd: number): number {
  const cost = (bytes / 1e9) * pricePerGbMonthUsd;
  return Number.isFinite(cost) ? Math.round(cost * 100) / 100 : 0;
}

export interface RepositoryAccount {
  name: string;
  imageCount: number;
  storedBytes: number;
  blobs: RepositoryBlobs;
}

/**
 * Accounting for the whole fleet. Each repository is accounted on its own,
 * as ECR reports and bills repositories: a blob that two repositories both
 * reference counts in each of them. `distinctBlobBytes` gives the figure
 * with every blob counted once across the fleet, for comparison.
 */
export class FleetAccount {
  readonly repositories = new Map<string, RepositoryAccount>();

  constructor(inventory: Pick<Inventory, 'repositories' | 'manifests'>) {
    const manifests = new ManifestIndex(inventory.manifests);
    for (const repository of inventory.repositories) {
      const blobs = new RepositoryBlobs(repository, manifests);
      this.repositories.set(repository.name, {
        name: repository.name,
        imageCount: repository.images.length,
        storedBytes: blobs.storedBytes,
        blobs,
      });
    }
  }

  /** Sum of the repositories' stored bytes. */
  get storedBytes(): number {
    let total = 0;
    for (const repository of this.repositories.values()) total += repository.storedBytes;
    return total;
  }

  get imageCount(): number {
    let total = 0;
    for (const repository of this.repositories.values()) total += repository.imageCount;
    return total;
  }

  /** Every blob once across all repositories. */
  get distinctBlobBytes(): number {
    const sizes = new Map<string, number>();
    for (const { blobs } of this.repositories.values()) {
      for (const [digest, size] of blobs.blobSizes()) {
        sizes.set(digest, Math.max(size, sizes.get(digest) ?? 0));
      }
    }
    let total = 0;
    for (const size of sizes.values()) total += size;
    return total;
  }

  /**
   * What deleting these images would free across the fleet: per repository,
   * the blobs only the deleted images of that repository reference.
   */
  reclaimableBytes(images: Iterable<{ repository: string; imageDigest: string }>): number {
    const byRepository = new Map<string, string[]>();
    for (const { repository, imageDigest } of images) {
      const list = byRepository.get(repository) ?? [];
      list.push(imageDigest);
      byRepository.set(repository, list);
    }
    let total = 0;
    for (const [name, digests] of byRepository) {
      total += this.repositories.get(name)?.blobs.reclaimableBytes(digests) ?? 0;
    }
    return total;
  }
}
