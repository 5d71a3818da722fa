/**
 * Field case "Big fleets": 180 repositories with savings, lines of about
 * 120 characters. Slack gets a summary within its limits and the rest in
 * thread replies; email carries the full list; every part repeats the totals.
 */
import { renderEmail } from '../../lambda/digest/email';
import { formatBytes, formatUsd } from '../../lambda/digest/format';
import { renderSlackMessages, type SlackMessage } from '../../lambda/digest/slack';
import { bigFleet } from '../fixtures/digest/sample-fleets';
import { parseEmail, partOf } from './mime-parts';

const { digest } = bigFleet(180);
const REPORT_URL = 'https://reports.example/ecr-janitor/2026-12-03.html';

/** Every text object of a message, counted the way Slack counts characters. */
function texts(message: SlackMessage): string[] {
  return [
    message.text,
    ...message.blocks.flatMap((b) =>
      b.type === 'section' || b.type === 'header'
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.map((e) => e.text)
          : [],
    ),
  ];
}

describe('a digest of 180 repositories', () => {
  it('has ranking lines of about 120 characters', () => {
    const lines = renderSlackMessages(digest)
      .slice(1)
      .flatMap((m) => texts(m).join('\n').split('\n'))
      .filter((l) => /^\*\d+\. team-/.test(l));
    const average = lines.reduce((n, l) => n + l.length, 0) / lines.length;
    expect(average).toBeGreaterThan(100);
    expect(average).toBeLessThan(160);
  });

  describe('in Slack', () => {
    const messages = renderSlackMessages(digest, { reportUrl: REPORT_URL, topRepositories: 10 });

    it.each(
      messages.map((m, i) => [i === 0 ? 'the main message' : `thread reply ${i}`, m] as const),
    )(
      '%s stays within the limits: 50 blocks, 3,000 characters a section, well under 12,000 in all',
      (_name, message) => {
        expect(message.blocks.length).toBeLessThanOrEqual(50);
        for (const block of message.blocks) {
          if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
          if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
          if (block.type === 'context') {
            for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(3000);
          }
        }
        const total = texts(message).reduce((n, t) => n + t.length, 0);
        expect(total).toBeLessThanOrEqual(9000);
        expect(JSON.stringify(message.blocks).length).toBeLessThan(12000);
      },
    );

    it('summarises the top 10 in the main message, links the full report, and lists the rest in the thread', () => {
      const main = texts(messages[0]).join('\n');
      expect(main).toContain('*Top 10 of 180 repositories by wasted storage*');
      expect(main).toContain(`<${REPORT_URL}|Open the full report>`);
      expect(main).toContain('170 more repositories');
      const thread = messages.slice(1).flatMap(texts).join('\n');
      digest.repositories.forEach((r, index) => {
        const where = index < 10 ? main : thread;
        expect(where).toContain(`*${index + 1}. ${r.name}*`);
        expect(where).toContain(`*${formatBytes(r.wastedBytes)}* wasted`);
      });
    });

    it('repeats the totals in every part', () => {
      for (const message of messages) {
        const all = texts(message).join('\n');
        expect(all).toContain(formatBytes(digest.totals.storedBytes));
        expect(all).toContain(formatBytes(digest.totals.wastedBytes));
        expect(all).toContain(formatUsd(digest.totals.wastedMonthlyCostUsd));
      }
    });

    it('caps the thread and says how much was left out when even the thread cannot hold it all', () => {
      const huge = bigFleet(600).digest;
      const replies = renderSlackMessages(huge, { reportUrl: REPORT_URL }).slice(1);
      expect(replies.length).toBeLessThanOrEqual(10);
      const last = texts(replies[replies.length - 1]).join('\n');
      expect(last).toMatch(/\d+ more lines not shown here/);
      expect(last).toContain(REPORT_URL);
    });

    it('fits even when asked for the largest summary the configuration allows', () => {
      const [main] = renderSlackMessages(digest, { topRepositories: 45 });
      expect(main.blocks.length).toBeLessThanOrEqual(50);
      expect(texts(main).reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(9000);
    });
  });

  describe('by email', () => {
    const content = renderEmail(digest, { from: 'janitor@example.com', to: ['team@example.com'] });
    const email = parseEmail(content.raw);

    it('carries the full list of repositories in both parts, with the totals in each', () => {
      for (const type of ['text/plain', 'text/html']) {
        const part = partOf(email, type);
        expect(part).toContain(formatBytes(digest.totals.storedBytes));
        expect(part).toContain(formatBytes(digest.totals.wastedBytes));
        expect(part).toContain(formatUsd(digest.totals.wastedMonthlyCostUsd));
        for (const r of digest.repositories) expect(part).toContain(r.name);
      }
      expect(content.listRowsShown).toBeUndefined();
    });

    it('stays under the 10 MB SES allows', () => {
      expect(Buffer.byteLength(content.raw)).toBeLessThan(10 * 1024 * 1024);
    });

    it('shortens the image lists, never the totals or ranking, when a fleet would not fit', () => {
      const small = renderEmail(digest, { maxBytes: 800_000 });
      expect(Buffer.byteLength(small.raw)).toBeLessThanOrEqual(800_000);
      expect(small.listRowsShown).toBeDefined();
      const text = partOf(parseEmail(small.raw), 'text/plain');
      expect(text).toMatch(/more not listed here/);
      for (const r of digest.repositories) expect(text).toContain(r.name);
      expect(text).toContain(formatBytes(digest.totals.wastedBytes));
    });

    it('shortens the ranking only as a last resort, and says so', () => {
      const tiny = renderEmail(digest, { maxBytes: 300_000 });
      expect(Buffer.byteLength(tiny.raw)).toBeLessThanOrEqual(300_000);
      expect(tiny.rankingRowsShown).toBe(50);
      const parsed = parseEmail(tiny.raw);
      for (const type of ['text/plain', 'text/html']) {
        const part = partOf(parsed, type);
        expect(part).toContain('130 more repositories not listed here');
        expect(part).toContain(formatBytes(digest.totals.storedBytes));
        expect(part).toContain(digest.repositories[49].name);
        expect(part).not.toContain(`${digest.repositories[50].name}<`);
      }
    });
  });
});
