/**
 * Delivery of a digest to Slack and email. Each channel fails on its own: a
 * failed Slack post does not stop the email, and neither can undo or block
 * a cleanup, because delivery runs after the run has finished.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import type { WebClient } from '@slack/web-api';
import { renderEmail } from '../digest/email';
import { renderSlackMessages } from '../digest/slack';
import type { Digest } from '../model/digest';
import type { Log } from '../util/log';
import { sendEmail } from './email';
import { describeError } from './redact';
import { postToSlack } from './slack';

export { createSlackClient } from './slack';

export interface DeliveryTargets {
  slack?: { client: WebClient; channel: string };
  email?: { ses: SESClient; from: string; to: string[] };
  /** Link to the full HTML report, when one is stored. */
  reportUrl?: string;
  /** Repositories in the Slack summary message. @default 10 */
  topRepositories?: number;
}

export interface DeliveryResult {
  channel: 'slack' | 'email';
  ok: boolean;
  /** What went wrong, without secrets. */
  error?: string;
}

/** Never throws: a failed channel is logged and reported in the result. */
export async function deliverDigest(
  digest: Digest,
  targets: DeliveryTargets,
  log: Log,
): Promise<DeliveryResult[]> {
  const deliveries: Promise<DeliveryResult>[] = [];
  if (targets.slack) deliveries.push(deliverToSlack(digest, targets, targets.slack, log));
  if (targets.email) deliveries.push(deliverByEmail(digest, targets, targets.email, log));
  return Promise.all(deliveries);
}

async function deliverToSlack(
  digest: Digest,
  targets: DeliveryTargets,
  slack: NonNullable<DeliveryTargets['slack']>,
  log: Log,
): Promise<DeliveryResult> {
  try {
    const messages = renderSlackMessages(digest, {
      reportUrl: targets.reportUrl,
      topRepositories: targets.topRepositories,
    });
    const result = await postToSlack(slack.client, slack.channel, messages);
    if (result.errors.length === 0) {
      log.info('digest posted to Slack', {
        channel: 'slack',
        slackChannel: slack.channel,
        threadReplies: result.repliesPosted,
      });
      return { channel: 'slack', ok: true };
    }
    return failed('slack', result.errors.join('; '), log, {
      slackChannel: slack.channel,
      posted: Boolean(result.ts),
    });
  } catch (error) {
    return failed('slack', describeError(error), log, { slackChannel: slack.channel });
  }
}

async function deliverByEmail(
  digest: Digest,
  targets: DeliveryTargets,
  email: NonNullable<DeliveryTargets['email']>,
  log: Log,
): Promise<DeliveryResult> {
  try {
    const content = renderEmail(digest, {
      reportUrl: targets.reportUrl,
      from: email.from,
      to: email.to,
    });
    const messageId = await sendEmail(email, content);
    log.info('digest sent by email', {
      channel: 'email',
      recipients: email.to.length,
      sizeBytes: Buffer.byteLength(content.raw),
      listRowsShown: content.listRowsShown,
      messageId,
    });
    return { channel: 'email', ok: true };
  } catch (error) {
    return failed('email', describeError(error), log, { recipients: email.to.length });
  }
}

function failed(
  channel: DeliveryResult['channel'],
  error: string,
  log: Log,
  extra: Record<string, unknown>,
): DeliveryResult {
  log.error('digest delivery failed', { channel, error, ...extra });
  return { channel, ok: false, error };
}
