/**
 * The audit record of a run: one JSON line per action (each deletion, each
 * policy put, each failure, and in a dry run each action that would have
 * been taken), with the reasons, written through a Store: a local folder for
 * the CLI, S3 for the Lambda.
 */
import type { Reason } from '../model/plan';
import type { Store } from '../util/store';

export type AuditOutcome = 'deleted' | 'already-gone' | 'failed' | 'skipped' | 'put' | 'dry-run';

export interface AuditEntry {
  action: 'delete-image' | 'put-lifecycle-policy';
  outcome: AuditOutcome;
  repository: string;
  imageDigest?: string;
  tags?: string[];
  reasons?: Reason[];
  reclaimableBytes?: number;
  /** The policy text put (or that would be put). */
  policyText?: string;
  diff?: string[];
  code?: string;
  message?: string;
}

export function auditKey(now: Date, runId: string): string {
  return `audit/${now.toISOString().slice(0, 10)}/${runId}.jsonl`;
}

export class AuditLog {
  private readonly lines: string[] = [];

  constructor(
    private readonly runId: string,
    private readonly dryRun: boolean,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  record(entry: AuditEntry): void {
    this.lines.push(
      JSON.stringify({
        time: this.clock().toISOString(),
        runId: this.runId,
        dryRun: this.dryRun,
        ...entry,
      }),
    );
  }

  get size(): number {
    return this.lines.length;
  }

  async write(store: Store, key: string): Promise<void> {
    await store.put(
      key,
      this.lines.length ? `${this.lines.join('\n')}\n` : '',
      'application/x-ndjson',
    );
  }
}
