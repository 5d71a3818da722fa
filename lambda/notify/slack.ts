/**
 * Posting the digest to Slack: the summary message, then the details as
 * replies in its thread. The WebClient waits out rate-limit answers (429
 * with Retry-After) and retries other failures with backoff.
 */
import { LogLevel, WebClient, type Logger, type RetryOptions } from '@slack/web-api';
import type { SlackMessage } from '../digest/slack';
import type { Log } from '../util/log';
import { describeError } from './redact';

export interface SlackClientOptions {
  /** Another API root, e.g. a local stand-in for tests (`http://127.0.0.1:PORT/api/`). */
  slackApiUrl?: string;
  /** Retries of failed calls. @default five retries in about five minutes */
  retryConfig?: RetryOptions;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
}

/** Routes the WebClient's own logs to ours, at debug level, so they stay quiet in the Lambda. */
function slackLogger(log: Log): Logger {
  let level = LogLevel.WARN;
  const join = (parts: unknown[]) => parts.map(String).join(' ');
  return {
    debug: (...parts: unknown[]) => log.debug(join(parts), { component: 'slack-web-api' }),
    info: (...parts: unknown[]) => log.debug(join(parts), { component: 'slack-web-api' }),
    warn: (...parts: unknown[]) => log.warn(join(parts), { component: 'slack-web-api' }),
    error: (...parts: unknown[]) => log.warn(join(parts), { component: 'slack-web-api' }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A WebClient for posting digests; create it once per process with the bot token. */
export function createSlackClient(
  token: string,
  log: Log,
  options: SlackClientOptions = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: options.slackApiUrl,
    retryConfig: options.retryConfig ?? {
      retries: 5,
      factor: 2,
      minTimeout: 1000,
      maxTimeout: 60_000,
      randomize: true,
    },
    // Wait out 429 answers for as long as Retry-After says, instead of failing.
    rejectRateLimitedCalls: false,
    timeout: options.timeoutMs ?? 30_000,
    logger: slackLogger(log),
  });
}

export interface SlackPostResult {
  /** Timestamp of the main message, the thread's id. */
  ts?: string;
  repliesPosted: number;
  /** What failed, safe to log. */
  errors: string[];
}

/**
 * Posts the main message, then each thread reply. A failed reply does not
 * stop the next one; a failed main message stops the thread (it has nowhere
 * to go).
 */
export async function postToSlack(
  client: WebClient,
  channel: string,
  messages: SlackMessage[],
): Promise<SlackPostResult> {
  const [main, ...replies] = messages;
  let ts: string | undefined;
  try {
    const answer = await client.chat.postMessage({
      channel,
      text: main.text,
      blocks: main.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    ts = answer.ts;
  } catch (error) {
    return { repliesPosted: 0, errors: [`main message: ${describeError(error)}`] };
  }
  if (!ts)
    return { repliesPosted: 0, errors: ['main message: Slack answered without a message ts'] };

  const errors: string[] = [];
  let repliesPosted = 0;
  for (const [index, reply] of replies.entries()) {
    try {
      await client.chat.postMessage({
        channel,
        thread_ts: ts,
        text: reply.text,
        blocks: reply.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      repliesPosted += 1;
    } catch (error) {
      errors.push(`thread reply ${index + 1} of ${replies.length}: ${describeError(error)}`);
    }
  }
  return { ts, repliesPosted, errors };
}
