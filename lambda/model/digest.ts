/**
 * The digest model: the report of one run. `report --format json` prints it
 * as is, and every other rendering (terminal, Markdown, HTML, Slack, email)
 * is made from it, so all of them agree to the byte.
 */
import type { ApplyResult, Plan } from './plan';

/** Whether a byte figure comes from layer contents or from metadata. */
export type Basis = 'measured' | 'estimated';

export interface Tip {
  /** Stable code, e.g. `multi-stage`, `combine-run`, `clean-cache`, `copy-order`, `dockerignore`, `smaller-base`. */
  code: string;
  title: string;
  repository: string;
  /** `repository:tag` or `repository@digest` of the image the tip is about. */
  image: string;
  /** The history instruction that causes it (`created_by`), when one does. */
  instruction?: string;
  historyIndex?: number;
  /**
   * What the change would save as the registry stores it (compressed), in
   * the same units as stored and reclaimable bytes, and never more than the
   * image stores.
   */
  savedBytes: number;
  /** The same saving in file bytes (uncompressed) inside the image, when known. */
  fileBytes?: number;
  monthlyCostUsd: number;
  basis: Basis;
  /** A short Dockerfile change. */
  change: string;
  /** A caveat to print beside the tip, e.g. that a minified image must be verified. */
  caveat?: string;
}

export interface RepositoryDigest {
  name: string;
  imageCount: number;
  storedBytes: number;
  reclaimableBytes: number;
  bloatBytes: number;
  wastedBytes: number;
  monthlyCostUsd: number;
  /** Storage wasted, as money per month at the configured price. */
  wastedMonthlyCostUsd: number;
  /** Growth of stored bytes since the previous run, when one is known. */
  storedBytesChange?: number;
  /** Share of the repository's stored bytes whose layers were analysed for bloat, 0..1. */
  analysedShare: number;
  /** Images of this repository the plan deletes (or proposes to delete). */
  deletionCount: number;
  /** Images of this repository kept as protected images. */
  protectedCount: number;
  /** Tips for images that stay, largest saving first. */
  tips: Tip[];
}

export interface Warning {
  /** Stable code, e.g. `partial-run`, `policy-matches-nothing`, `policy-hits-protected`. */
  code: string;
  repository?: string;
  message: string;
}

export interface Totals {
  repositoryCount: number;
  imageCount: number;
  storedBytes: number;
  reclaimableBytes: number;
  bloatBytes: number;
  wastedBytes: number;
  monthlyCostUsd: number;
  wastedMonthlyCostUsd: number;
  proposedDeletionCount: number;
  deletedCount: number;
  protectedCount: number;
}

export interface Digest {
  generatedAt: string;
  /** The instant ages were judged at. */
  now: string;
  dryRun: boolean;
  /** True when some repositories or workloads could not be read. */
  partial: boolean;
  accountId?: string;
  region?: string;
  pricePerGbMonthUsd: number;
  totals: Totals;
  /** By wasted bytes, largest first. */
  repositories: RepositoryDigest[];
  plan: Plan;
  applied?: ApplyResult;
  /** Fleet growth against the previous run, when one is known. */
  trend?: { previousRunAt: string; storedBytesChange: number; wastedBytesChange: number };
  /** Share of stored bytes whose layers were analysed for bloat, 0..1. */
  analysedShare: number;
  warnings: Warning[];
}
