/**
 * Sending the digest through moto_server's SES, reading the sent message
 * back from moto's `/moto-api/data.json`, and a failed Slack post that does
 * not stop the email.
 */
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { formatBytes, formatUsd } from '../../lambda/digest/format';
import { deliverDigest } from '../../lambda/notify';
import { createSlackClient } from '../../lambda/notify/slack';
import { jsonLinesLog, silentLog } from '../../lambda/util/log';
import { parseEmail, partOf } from '../digest/mime-parts';
import { bigFleet, realisticFleet } from '../fixtures/digest/sample-fleets';
import { startMoto, type MotoServer } from '../support/moto';
import { startSlackServer, type SlackServer } from '../support/slack-server';

const FROM = 'ecr-janitor@example.com';
const TO = ['platform-team@example.com', 'finops@example.com'];

interface MotoRawMessage {
  source: string;
  destinations: string[];
  raw_data: string;
}

async function sentMessages(moto: MotoServer): Promise<MotoRawMessage[]> {
  const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as {
    ses?: { RawMessage?: MotoRawMessage[] };
  };
  return data.ses?.RawMessage ?? [];
}

describe('sending the digest by email through SES', () => {
  let moto: MotoServer;
  let ses: SESClient;

  beforeAll(async () => {
    moto = await startMoto();
    ses = new SESClient(moto.clientConfig);
  });
  afterAll(async () => {
    ses?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: FROM }));
  });

  it('sends one message with a text and an HTML part, both with the totals and the full list', async () => {
    const { digest } = bigFleet(180);

    const results = await deliverDigest(
      digest,
      { email: { ses, from: FROM, to: TO }, reportUrl: 'https://reports.example/run.html' },
      silentLog,
    );

    expect(results).toEqual([{ channel: 'email', ok: true }]);
    const [sent, ...others] = await sentMessages(moto);
    expect(others).toHaveLength(0);
    expect(sent.source).toBe(FROM);
    expect(sent.destinations).toEqual(expect.arrayContaining(TO));

    const email = parseEmail(sent.raw_data);
    expect(email.subject).toMatch(/^ECR digest \(DRY RUN\): /);
    for (const type of ['text/plain', 'text/html']) {
      const part = partOf(email, type);
      expect(part).toContain(formatBytes(digest.totals.storedBytes));
      expect(part).toContain(formatBytes(digest.totals.wastedBytes));
      expect(part).toContain(formatUsd(digest.totals.wastedMonthlyCostUsd));
      expect(part).toContain('https://reports.example/run.html');
      for (const r of digest.repositories) expect(part).toContain(r.name);
    }
    expect(Buffer.byteLength(sent.raw_data)).toBeLessThan(10 * 1024 * 1024);
  });

  it('reports an unverified sender as a failed delivery instead of throwing', async () => {
    const logLines: string[] = [];
    const results = await deliverDigest(
      realisticFleet().digest,
      { email: { ses, from: 'not-verified@example.com', to: TO } },
      jsonLinesLog((line) => logLines.push(line), 'debug'),
    );

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ channel: 'email', ok: false });
    expect(results[0].error).toMatch(/MessageRejected/);
    expect(logLines.some((l) => l.includes('digest delivery failed'))).toBe(true);
    expect(await sentMessages(moto)).toHaveLength(0);
  });

  describe('with Slack failing at the same time', () => {
    let slack: SlackServer;
    beforeEach(async () => {
      slack = await startSlackServer();
    });
    afterEach(async () => {
      await slack.stop();
    });

    it('still sends the email, and reports the Slack failure on its own', async () => {
      slack.failMethod('chat.postMessage', { body: { ok: false, error: 'not_in_channel' } });
      const client = createSlackClient('xoxb-not-a-real-token', silentLog, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      });

      const results = await deliverDigest(
        realisticFleet().digest,
        { slack: { client, channel: 'C0DIGEST' }, email: { ses, from: FROM, to: TO } },
        silentLog,
      );

      expect(results).toEqual([
        { channel: 'slack', ok: false, error: expect.stringContaining('not_in_channel') },
        { channel: 'email', ok: true },
      ]);
      expect(await sentMessages(moto)).toHaveLength(1);
    });
  });
});
