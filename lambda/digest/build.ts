/** Builds the digest model from a run's results. Pure. */
import type { JanitorConfig } from '../config/schema';
import { JanitorError } from '../errors';
import type { ImageBloat } from '../model/bloat';
import type { Digest, Warning } from '../model/digest';
import type { Inventory } from '../model/inventory';
import type { ApplyResult, Plan } from '../model/plan';

/** The small summary of a run kept for the next run's trend. */
export interface RunSummary {
  generatedAt: string;
  storedBytes: number;
  wastedBytes: number;
  repositories: Record<string, { storedBytes: number; wastedBytes: number }>;
}

export interface DigestInput {
  inventory: Inventory;
  config: JanitorConfig;
  plan: Plan;
  applied?: ApplyResult;
  bloat: ImageBloat[];
  warnings: Warning[];
  dryRun: boolean;
  now: Date;
  generatedAt: Date;
  previous?: RunSummary;
}

export function buildDigest(_input: DigestInput): Digest {
  throw new JanitorError('buildDigest is not built yet');
}

export function summariseRun(_digest: Digest): RunSummary {
  throw new JanitorError('summariseRun is not built yet');
}
