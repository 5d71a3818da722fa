/**
 * What the history rules share: the context they read, typical sizes for
 * estimates, and how a step becomes an observation.
 */
import type { Basis } from '../../model/digest';
import type { HistoryStep, ImageConfig } from './history';
import { formatBytes, type Observation } from './observation';

export const MB = 1_000_000;

/** Typical sizes used when nothing better is known; every figure built on them is `estimated`. */
export const TYPICAL_BYTES = {
  /** Debian/Ubuntu package lists after `apt-get update`. */
  aptLists: 40 * MB,
  /** Alpine's APKINDEX files after `apk add` without --no-cache. */
  apkCache: 3 * MB,
  /** yum/dnf metadata and packages after an install without `clean all`. */
  yumCache: 60 * MB,
  /** pip's wheel and HTTP cache for a typical requirements file. */
  pipCache: 30 * MB,
  /** npm's or yarn's cache for a typical application. */
  nodeCache: 50 * MB,
  /** gcc, g++, make and the C headers on Debian. */
  toolchain: 150 * MB,
};

export interface HistoryContext {
  steps: HistoryStep[];
  config?: ImageConfig;
  /** Stored (compressed) size of each layer, from the manifest, when known. */
  layerSizes: Array<number | undefined>;
}

export const INSTALL = /\b(apt-get|apt|apk|yum|dnf|microdnf)\s+(?:-\S+\s+)*(install|add)\b/;

export function layerBytes(context: HistoryContext, step: HistoryStep): number | undefined {
  return step.layerIndex === undefined ? undefined : context.layerSizes[step.layerIndex];
}

export function estimate(
  context: HistoryContext,
  step: HistoryStep,
  typical: number,
): { bytes: number; note: string } {
  const stored = layerBytes(context, step);
  if (stored !== undefined) {
    return {
      bytes: Math.min(typical, stored),
      note: `at most this layer's ${formatBytes(stored)}`,
    };
  }
  return { bytes: typical, note: 'a typical size' };
}

export function observation(
  step: HistoryStep,
  code: string,
  message: string,
  sizeBytes: number,
  tip: Observation['tip'] | undefined,
  options: { countsAsBloat?: boolean; basis?: Basis; security?: boolean; path?: string } = {},
): Observation {
  return {
    finding: {
      code,
      message,
      sizeBytes,
      basis: options.basis ?? 'estimated',
      historyIndex: step.historyIndex,
      ...(step.layerIndex !== undefined ? { layerIndex: step.layerIndex } : {}),
      ...(options.security ? { security: true } : {}),
      ...(options.path ? { path: options.path } : {}),
    },
    tip,
    layerIndex: step.layerIndex,
    countsAsBloat: options.countsAsBloat ?? sizeBytes > 0,
  };
}
