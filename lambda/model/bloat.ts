/** What bloat analysis says about one image. */
import type { Basis, Tip } from './digest';

export interface Finding {
  /** Stable code, e.g. `hidden-file`, `duplicate-file`, `apt-cache`, `vcs-folder`, `secret-file`. */
  code: string;
  message: string;
  /**
   * Bytes this finding adds to the image's bloat bytes. 0 for advice and for
   * security-only findings; their bytes, if any, are in the message and the tip.
   */
  sizeBytes: number;
  basis: Basis;
  path?: string;
  /** Index (in the manifest's layers) of the layer holding the bytes. */
  layerIndex?: number;
  /**
   * Digest of the layer holding the bytes, when known. Images of a repository
   * that share a layer share its bloat: count it once per digest.
   */
  layerDigest?: string;
  historyIndex?: number;
  /** Set for findings that are a security concern too (`.env`, keys). */
  security?: boolean;
}

export interface ImageBloat {
  repository: string;
  imageDigest: string;
  /** `repository:tag` or `repository@digest`, for people. */
  image: string;
  /**
   * Bytes inside the image that a better build would not ship, without
   * double counting, as the registry stores them (compressed), so they add
   * up with stored and reclaimable bytes.
   */
  bloatBytes: number;
  basis: Basis;
  findings: Finding[];
  tips: Tip[];
}
