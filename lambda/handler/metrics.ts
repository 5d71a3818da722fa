/**
 * The run's figures as CloudWatch metrics (Powertools Metrics, embedded in
 * the logs). `DeliveryFailures` is the one an alarm watches.
 */
import type { Digest } from '../model/digest';
import type { DeliveryResult } from '../notify';
import { METRICS } from './contract';

/** The slice of Powertools' Metrics the handler uses, so tests can hand in a recorder. */
export interface RunMetrics {
  addMetric(name: string, unit: 'Bytes' | 'Count', value: number): unknown;
  publishStoredMetrics(): void;
}

export function recordDeliveries(metrics: RunMetrics, deliveries: DeliveryResult[]): void {
  const failed = deliveries.filter((delivery) => !delivery.ok).length;
  metrics.addMetric(METRICS.deliveries, 'Count', deliveries.length - failed);
  metrics.addMetric(METRICS.deliveryFailures, 'Count', failed);
}

export function recordRun(metrics: RunMetrics, digest: Digest): void {
  const { totals } = digest;
  metrics.addMetric(METRICS.storedBytes, 'Bytes', totals.storedBytes);
  metrics.addMetric(METRICS.reclaimableBytes, 'Bytes', totals.reclaimableBytes);
  metrics.addMetric(METRICS.wastedBytes, 'Bytes', totals.wastedBytes);
  metrics.addMetric(METRICS.deletedImages, 'Count', totals.deletedCount);
  metrics.addMetric(METRICS.proposedDeletions, 'Count', totals.proposedDeletionCount);
  metrics.addMetric(METRICS.partialRuns, 'Count', digest.partial ? 1 : 0);
}
