/** Delivery of a digest to Slack and email. Each channel fails on its own. */
import type { SESClient } from '@aws-sdk/client-ses';
import type { WebClient } from '@slack/web-api';
import { JanitorError } from '../errors';
import type { Digest } from '../model/digest';
import type { Log } from '../util/log';

export interface DeliveryTargets {
  slack?: { client: WebClient; channel: string };
  email?: { ses: SESClient; from: string; to: string[] };
  /** Link to the full HTML report, when one is stored. */
  reportUrl?: string;
}

export interface DeliveryResult {
  channel: 'slack' | 'email';
  ok: boolean;
  /** What went wrong, without secrets. */
  error?: string;
}

/** Never throws: a failed channel is logged and reported in the result. */
export async function deliverDigest(
  _digest: Digest,
  _targets: DeliveryTargets,
  _log: Log,
): Promise<DeliveryResult[]> {
  throw new JanitorError('deliverDigest is not built yet');
}
