/** What each bloat rule returns: a finding, and the tip that fixes it when there is one. */
import type { Finding } from '../../model/bloat';
import type { Basis } from '../../model/digest';

export interface TipDraft {
  code: string;
  title: string;
  historyIndex?: number;
  /** File bytes (uncompressed), unless `storedBytes` says they are already as stored. */
  savedBytes: number;
  /** True when `savedBytes` is already a stored (compressed) size, e.g. a layer's size. */
  storedBytes?: boolean;
  basis: Basis;
  change: string;
  caveat?: string;
}

export interface Observation {
  finding: Finding;
  tip?: TipDraft;
  /** Layer holding the bytes, to estimate their stored (compressed) share. */
  layerIndex?: number;
  /** Counted in the image's bloat bytes (security-only and advice-only findings are not). */
  countsAsBloat: boolean;
}

export const CACHE_MOUNT_CAVEAT =
  'A guess from the history alone: BuildKit drops --mount flags from it, so a cache mount would not show. Analyse the layer contents to confirm.';

export const VERIFY_CAVEAT =
  "The saving is not certain: a smaller base or a minified image can lack something the service needs. Verify the result with the service's own checks before shipping it.";

export { formatBytes } from '../../util/bytes';
