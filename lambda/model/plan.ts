/**
 * The plan: what one run would do (dry run) or does (enforce). It is computed
 * identically in both modes; only applying it differs.
 */

/** Stable codes for why an image is kept or deleted. */
export type ReasonCode =
  // protections
  | 'in-use'
  | 'protected-tag'
  | 'index-child'
  | 'referrer'
  | 'external-reference'
  | 'max-deletions-reached'
  /** The scan of the repository (or of the workloads) was incomplete, so nothing is deleted there. */
  | 'scan-incomplete'
  // deletions
  | 'untagged-expired'
  | 'beyond-keep-count'
  | 'older-than-max-age'
  | 'not-pulled'
  | 'orphaned-child'
  | 'orphaned-referrer';

export interface Reason {
  code: ReasonCode;
  /** One human sentence for the digest, e.g. "used by ECS service prod/api". */
  detail: string;
}

export interface PlannedDeletion {
  repository: string;
  imageDigest: string;
  tags: string[];
  reasons: Reason[];
  /**
   * What this deletion frees: blobs that no image kept in the repository
   * uses, each counted on the first deletion (in plan order) that uses it,
   * so the deletions of a repository add up to what deleting them all frees.
   */
  reclaimableBytes: number;
  /** For an index: the digests of its children deleted in the same plan (deleted after it). */
  childDigests?: string[];
}

export interface ProtectedImage {
  repository: string;
  imageDigest: string;
  tags: string[];
  reasons: Reason[];
}

export interface PlannedPolicy {
  repository: string;
  /** The policy text to put, or undefined when the policy stays as it is. */
  policyText?: string;
  /** The policy the repository has now, if any. */
  currentPolicyText?: string;
  /** `put` when it differs from the current one, `unchanged` otherwise. */
  action: 'put' | 'unchanged';
  /** Human lines describing the difference. */
  diff: string[];
}

/** What a repository's current native lifecycle policy will act on within the next hours. */
export interface NativePolicyPreview {
  repository: string;
  withinHours: number;
  actions: {
    imageDigest: string;
    tags: string[];
    rulePriority: number;
    action: 'expire' | 'transition';
    /** True when the image is a protected image (in use, protected tag, …). */
    protectedImage: boolean;
  }[];
}

export interface Plan {
  deletions: PlannedDeletion[];
  protected: ProtectedImage[];
  lifecyclePolicies: PlannedPolicy[];
  /** Per repository with a native policy: what ECR itself will do within 24 hours. */
  nativePolicyPreview?: NativePolicyPreview[];
}

export function emptyPlan(): Plan {
  return { deletions: [], protected: [], lifecyclePolicies: [] };
}

/** What applying a plan did, per action. */
export interface ApplyResult {
  deleted: { repository: string; imageDigest: string; tags: string[]; reasons: Reason[] }[];
  alreadyGone: { repository: string; imageDigest: string }[];
  failed: { repository: string; imageDigest?: string; code: string; message: string }[];
  policiesPut: string[];
  /** Reclaimable bytes of what was actually deleted. */
  reclaimedBytes: number;
}
