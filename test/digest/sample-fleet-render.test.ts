/**
 * Every rendering of the bundled sample fleet (what `npm start` shows): the
 * mode first, and each repository's figures agreeing with the JSON.
 */
import { join } from 'node:path';
import { loadConfigFile } from '../../lambda/config/load';
import { renderEmail } from '../../lambda/digest/email';
import { formatBytes, formatUsd } from '../../lambda/digest/format';
import { renderDigest } from '../../lambda/digest/render';
import { messageTextLength, renderSlackMessages } from '../../lambda/digest/slack';
import type { Digest } from '../../lambda/model/digest';
import { runJanitor } from '../../lambda/run';
import { silentLog } from '../../lambda/util/log';
import { MemoryStore } from '../../lambda/util/store';
import { parseEmail, partOf } from './mime-parts';

const ROOT = join(__dirname, '..', '..');
let digest: Digest;

beforeAll(async () => {
  const config = await loadConfigFile(join(ROOT, 'sample', 'janitor.yaml'));
  const outcome = await runJanitor(
    { config, dryRun: true, snapshotFile: join(ROOT, 'sample', 'fleet.json') },
    { cache: new MemoryStore(), state: new MemoryStore(), log: silentLog },
  );
  digest = JSON.parse(renderDigest(outcome.digest, 'json')) as Digest;
});

describe('the sample fleet digest', () => {
  it('has something true to say: proposals, protections, measured and estimated bloat, a warning', () => {
    expect(digest.plan.deletions.length).toBeGreaterThan(0);
    expect(digest.plan.protected.length).toBeGreaterThan(0);
    const bases = new Set(digest.repositories.flatMap((r) => r.tips.map((t) => t.basis)));
    expect(bases).toEqual(new Set(['measured', 'estimated']));
    expect(digest.warnings.length).toBeGreaterThan(0);
  });

  it.each(['text', 'markdown'] as const)(
    'the %s rendering starts with DRY RUN and shows every repository with the JSON figures',
    (format) => {
      const rendered = renderDigest(digest, format);
      expect(rendered.split('\n')[0]).toContain('DRY RUN');
      for (const r of digest.repositories) {
        const row = rendered.split('\n').find((line) => line.includes(` ${r.name} `));
        expect(row).toBeDefined();
        for (const figure of [r.wastedBytes, r.storedBytes, r.reclaimableBytes, r.bloatBytes]) {
          expect(row).toContain(formatBytes(figure));
        }
        expect(row).toContain(formatUsd(r.wastedMonthlyCostUsd));
      }
    },
  );

  it('the HTML rendering carries every repository figure to the byte', () => {
    const html = renderDigest(digest, 'html');
    for (const r of digest.repositories) {
      const row =
        html.match(new RegExp(`data-repository="${r.name}">(.*?)</tr>(?=<tr|\\n)`))?.[1] ?? '';
      const bytes = [...row.matchAll(/data-bytes="(\d+)"/g)].map((m) => Number(m[1]));
      expect(bytes).toEqual([r.wastedBytes, r.storedBytes, r.reclaimableBytes, r.bloatBytes]);
    }
  });

  it('the Slack rendering stays within the limits and names the top repositories', () => {
    const messages = renderSlackMessages(digest);
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(messageTextLength(message)).toBeLessThan(12000);
    }
    const main = JSON.stringify(messages[0].blocks);
    for (const r of digest.repositories.slice(0, 10)) expect(main).toContain(r.name);
    expect(main).toContain(formatBytes(digest.totals.wastedBytes));
  });

  it('the email has a text and an HTML part with the same totals and every repository', () => {
    const email = parseEmail(
      renderEmail(digest, { from: 'a@example.com', to: ['b@example.com'] }).raw,
    );
    expect(email.subject).toContain('DRY RUN');
    for (const type of ['text/plain', 'text/html']) {
      const part = partOf(email, type);
      expect(part).toContain(formatBytes(digest.totals.storedBytes));
      expect(part).toContain(formatBytes(digest.totals.wastedBytes));
      for (const r of digest.repositories) expect(part).toContain(r.name);
    }
  });
});
