/**
 * The inventory: everything a scan learns about one account and region, as
 * plain data. It is what the analyse and plan stages read, and what a
 * snapshot file stores, so a report can be reproduced offline.
 */
import type { LayerSummary } from './layer';

/** Bumped whenever a snapshot written by an older release can no longer be read as is. */
export const SNAPSHOT_VERSION = 1;

/** How ECR stores an image: `STANDARD`, or `ARCHIVE` after a lifecycle transition. */
export type StorageClass = 'STANDARD' | 'ARCHIVE';

export interface ImageRecord {
  /** `sha256:…` digest of the manifest or index. */
  imageDigest: string;
  /** Tags pointing at this digest, possibly none. */
  tags: string[];
  /** Media type of the manifest (`imageManifestMediaType`). */
  manifestMediaType: string;
  /** `artifactMediaType` as ECR reports it, when set (signatures, SBOMs). */
  artifactMediaType?: string;
  /**
   * `imageSizeInBytes` exactly as DescribeImages reports it. For an index this
   * is the largest child, and shared layers are counted in every image, so
   * this figure is shown but never summed.
   */
  reportedSizeBytes: number;
  /** ISO-8601 push time. */
  pushedAt: string;
  /** ISO-8601 `lastRecordedPullTime`; approximate (updated about once a day). */
  lastPulledAt?: string;
  /** Storage class; archived images still cost money. */
  storageClass: StorageClass;
  /** ISO-8601 time of the last transition to archive, if any. */
  lastArchivedAt?: string;
  /** `subjectManifestDigest`: the image this artifact refers to, if any. */
  subjectDigest?: string;
}

export interface RepositoryRecord {
  name: string;
  arn?: string;
  uri?: string;
  createdAt?: string;
  /** The repository's current native lifecycle policy text, if it has one. */
  lifecyclePolicyText?: string;
  images: ImageRecord[];
}

/** Where an image reference was found, so the digest can say who uses an image. */
export type InUseSourceKind =
  | 'ecs-service'
  | 'ecs-running-task'
  | 'ecs-scheduled-task'
  | 'ecs-task-definition'
  | 'lambda-function'
  | 'external';

export interface InUseReference {
  /** The image reference as written where it was found. */
  imageRef: string;
  repository: string;
  tag?: string;
  digest?: string;
  source: { kind: InUseSourceKind; id: string };
}

/** Something the scan could not read; the run is then partial. */
export interface MissingPart {
  /** The repository concerned, when the failure is tied to one. */
  repository?: string;
  /**
   * What was not read: `repository` (the whole repository), `not-reached`
   * (the time budget ran low first), `manifest` (one image's manifest),
   * `ecs-clusters`, `ecs-services`, `ecs-tasks`, `ecs-task-definitions`,
   * `lambda-functions`, `lambda-aliases`, or `ecs`/`lambda` when not scanned.
   */
  what: string;
  /** The image concerned, when the failure is tied to one (`manifest`). */
  imageDigest?: string;
  reason: string;
}

/**
 * True for a part whose absence only weakens the analysis (a layer summary,
 * an image config, a lifecycle policy), not the inventory itself. Missing
 * images, manifests or workloads might hide a reference, so they make a
 * run partial and withhold deletions; analysis gaps do neither.
 */
export function isAnalysisGap(part: MissingPart): boolean {
  return /layer|blob|bloat|config|summar|lifecycle|policy/i.test(part.what);
}

export interface Inventory {
  version: typeof SNAPSHOT_VERSION;
  /** ISO-8601 time the scan finished. */
  scannedAt: string;
  accountId?: string;
  region?: string;
  repositories: RepositoryRecord[];
  /** Raw manifest and index bodies by digest, exactly as the registry served them. */
  manifests: Record<string, string>;
  /** Raw image config bodies by digest, when they were fetched. */
  configs: Record<string, string>;
  inUse: InUseReference[];
  /** Per-layer file summaries by compressed blob digest, when layers were analysed. */
  layerSummaries: Record<string, LayerSummary>;
  missing: MissingPart[];
}

export function emptyInventory(scannedAt: string): Inventory {
  return {
    version: SNAPSHOT_VERSION,
    scannedAt,
    repositories: [],
    manifests: {},
    configs: {},
    inUse: [],
    layerSummaries: {},
    missing: [],
  };
}
