/**
 * Posting the digest to a local stand-in for the Slack Web API, through the
 * real WebClient pointed at it with `slackApiUrl`.
 */
import { renderSlackMessages } from '../../lambda/digest/slack';
import { deliverDigest } from '../../lambda/notify';
import { createSlackClient } from '../../lambda/notify/slack';
import { jsonLinesLog } from '../../lambda/util/log';
import { bigFleet, realisticFleet } from '../fixtures/digest/sample-fleets';
import { startSlackServer, type SlackServer } from '../support/slack-server';

const TOKEN = 'xoxb-000000000000-0000000000000-testtokennotreal';
const FAST_RETRIES = { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 };

describe('posting the digest to Slack', () => {
  let slack: SlackServer;
  let logLines: string[];
  const log = () => jsonLinesLog((line) => logLines.push(line), 'debug');

  beforeEach(async () => {
    slack = await startSlackServer();
    logLines = [];
  });
  afterEach(async () => {
    await slack.stop();
  });

  const client = () =>
    createSlackClient(TOKEN, log(), { slackApiUrl: slack.apiUrl, retryConfig: FAST_RETRIES });

  it('posts the summary, then the details as replies in its thread', async () => {
    const { digest } = bigFleet(180);
    const expected = renderSlackMessages(digest, { reportUrl: 'https://r.example/x.html' });

    const results = await deliverDigest(
      digest,
      { slack: { client: client(), channel: 'C0DIGEST' }, reportUrl: 'https://r.example/x.html' },
      log(),
    );

    expect(results).toEqual([{ channel: 'slack', ok: true }]);
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(expected.length);
    expect(posts[0].args.thread_ts).toBeUndefined();
    expect(posts[0].args.blocks).toEqual(expected[0].blocks);
    expect(posts[0].args.channel).toBe('C0DIGEST');
    const threadTs = '1764748800.000001';
    for (const [index, post] of posts.slice(1).entries()) {
      expect(post.args.thread_ts).toBe(threadTs);
      expect(post.args.blocks).toEqual(expected[index + 1].blocks);
    }
    expect(posts[0].authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('waits as long as a 429 answer says, then posts', async () => {
    slack.queue({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });

    const results = await deliverDigest(
      realisticFleet().digest,
      { slack: { client: client(), channel: 'C0DIGEST' } },
      log(),
    );

    expect(results).toEqual([{ channel: 'slack', ok: true }]);
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    const [limited, retried] = posts;
    expect(retried.args.blocks).toEqual(limited.args.blocks);
    expect(retried.atMs - limited.atMs).toBeGreaterThanOrEqual(950);
    expect(posts.filter((p) => p.args.thread_ts === undefined)).toHaveLength(2);
  });

  it('reports a refused post as a failed delivery without throwing or logging the token', async () => {
    slack.failMethod('chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });

    const results = await deliverDigest(
      realisticFleet().digest,
      { slack: { client: client(), channel: 'C0MISSING' } },
      log(),
    );

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ channel: 'slack', ok: false });
    expect(results[0].error).toContain('channel_not_found');
    expect(
      logLines.some((l) => l.includes('digest delivery failed') && l.includes('channel_not_found')),
    ).toBe(true);
    expect(logLines.join('\n')).not.toContain(TOKEN);
    expect(results[0].error).not.toContain(TOKEN);
  });

  it('gives up after its retries when the API keeps failing, and says so', async () => {
    slack.failMethod('chat.postMessage', { status: 500, body: { ok: false } });

    const results = await deliverDigest(
      realisticFleet().digest,
      { slack: { client: client(), channel: 'C0DIGEST' } },
      log(),
    );

    expect(results[0]).toMatchObject({ channel: 'slack', ok: false });
    expect(results[0].error).toMatch(/main message/);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(
      1 + FAST_RETRIES.retries,
    );
  });

  it('carries on with the next thread reply when one reply fails', async () => {
    const { digest } = bigFleet(180);
    const count = renderSlackMessages(digest).length;
    slack.queue(
      { body: { ok: true, ts: '1764748800.000100' } },
      { body: { ok: false, error: 'invalid_blocks' } },
    );

    const [result] = await deliverDigest(
      digest,
      { slack: { client: client(), channel: 'C0DIGEST' } },
      log(),
    );

    expect(result.ok).toBe(false);
    expect(result.error).toMatch(new RegExp(`thread reply 1 of ${count - 1}: .*invalid_blocks`));
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(count);
    expect(posts.slice(1).every((p) => p.args.thread_ts === '1764748800.000100')).toBe(true);
  });
});
