/**
 * Sends the digest to the channels the deployment configures. Whatever goes
 * wrong here (no token, Slack down, SES refusing) becomes a failed delivery
 * in the result; it never throws, so the cleanup already done is reported.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import type { WebClient } from '@slack/web-api';
import type { JanitorConfig } from '../config/schema';
import type { Digest } from '../model/digest';
import { deliverDigest, type DeliveryResult, type DeliveryTargets } from '../notify';
import type { Log } from '../util/log';
import type { TokenSource } from './slack-token';

export interface DeliveryDeps {
  ses: SESClient;
  /** Reads the Slack token; absent when no secret is configured. */
  slackToken?: TokenSource;
  slackClient: (token: string) => WebClient;
  deliver?: typeof deliverDigest;
  log: Log;
}

function failed(channel: DeliveryResult['channel'], error: string): DeliveryResult {
  return { channel, ok: false, error };
}

export async function deliver(
  digest: Digest,
  config: JanitorConfig,
  reportUrl: string | undefined,
  deps: DeliveryDeps,
): Promise<DeliveryResult[]> {
  const { slack, email } = config.notify;
  const results: DeliveryResult[] = [];
  const targets: DeliveryTargets = { reportUrl, topRepositories: config.notify.topRepositories };

  if (slack) {
    if (!deps.slackToken) {
      results.push(failed('slack', 'no Slack token secret is configured for this deployment'));
    } else {
      try {
        targets.slack = {
          client: deps.slackClient(await deps.slackToken()),
          channel: slack.channel,
        };
      } catch (error) {
        results.push(
          failed('slack', `could not read the Slack token: ${(error as Error).message}`),
        );
      }
    }
  }
  if (email) targets.email = { ses: deps.ses, from: email.from, to: email.to };
  if (!targets.slack && !targets.email) return results;

  try {
    results.push(...(await (deps.deliver ?? deliverDigest)(digest, targets, deps.log)));
  } catch (error) {
    // deliverDigest promises not to throw; if it does, every channel it had counts as failed.
    const message = (error as Error).message;
    if (targets.slack) results.push(failed('slack', message));
    if (targets.email) results.push(failed('email', message));
  }
  for (const result of results.filter((r) => !r.ok)) {
    deps.log.error('digest delivery failed', { channel: result.channel, error: result.error });
  }
  return results;
}
