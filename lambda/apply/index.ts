/** The apply stage: the only code that deletes images or puts lifecycle policies. */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { JanitorError } from '../errors';
import type { ApplyResult, Plan } from '../model/plan';
import type { Log } from '../util/log';
import type { Store } from '../util/store';

export interface ApplyOptions {
  ecr: ECRClient;
  /** Where the audit record (JSON lines) of this run goes. */
  audit: Store;
  runId: string;
  now: Date;
  maxDeletions: number;
  log: Log;
}

export async function applyPlan(_plan: Plan, _options: ApplyOptions): Promise<ApplyResult> {
  throw new JanitorError('applyPlan is not built yet');
}
