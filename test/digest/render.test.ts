/**
 * Every rendering of the realistic fleet: the mode at the top, the totals,
 * and each repository's figures agreeing with the JSON to the byte.
 */
import { renderEmail } from '../../lambda/digest/email';
import { formatBytes, formatUsd } from '../../lambda/digest/format';
import { renderDigest } from '../../lambda/digest/render';
import { renderSlackMessages } from '../../lambda/digest/slack';
import type { Digest, RepositoryDigest } from '../../lambda/model/digest';
import { realisticFleet } from '../fixtures/digest/sample-fleets';
import { parseEmail, partOf } from './mime-parts';

const dryRun = realisticFleet({ partial: true }).digest;
const enforced = realisticFleet({ enforced: true }).digest;
const json = JSON.parse(renderDigest(dryRun, 'json')) as Digest;

/** The formatted figures of a repository, in the column order of every table. */
function figures(r: RepositoryDigest): string[] {
  return [
    formatBytes(r.wastedBytes),
    formatUsd(r.wastedMonthlyCostUsd),
    formatBytes(r.storedBytes),
    formatUsd(r.monthlyCostUsd),
    formatBytes(r.reclaimableBytes),
    formatBytes(r.bloatBytes),
  ];
}

describe('the JSON rendering', () => {
  it('keeps the contract of the command line: integer bytes, ranking by wasted bytes', () => {
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'generatedAt',
        'dryRun',
        'partial',
        'totals',
        'repositories',
        'plan',
        'warnings',
      ]),
    );
    expect(json.repositories).toHaveLength(14);
    for (const r of json.repositories) {
      for (const value of [r.storedBytes, r.reclaimableBytes, r.bloatBytes, r.wastedBytes]) {
        expect(Number.isInteger(value)).toBe(true);
      }
      expect(r.wastedBytes).toBe(r.reclaimableBytes + r.bloatBytes);
    }
    const wasted = json.repositories.map((r) => r.wastedBytes);
    expect(wasted).toEqual([...wasted].sort((a, b) => b - a));
    expect(json.totals.storedBytes).toBe(json.repositories.reduce((s, r) => s + r.storedBytes, 0));
    expect(json.partial).toBe(true);
  });
});

describe('the terminal rendering', () => {
  const text = renderDigest(dryRun, 'text');
  const lines = text.split('\n');

  it('says DRY RUN or ENFORCED on its very first line', () => {
    expect(lines[0]).toContain('DRY RUN');
    expect(renderDigest(enforced, 'text').split('\n')[0]).toContain('ENFORCED');
  });

  it('puts the totals before the ranking, and the partial-run banner above both', () => {
    const banner = lines.findIndex((l) => l.startsWith('!! PARTIAL RUN'));
    const totals = lines.indexOf('Totals');
    const ranking = lines.findIndex((l) => l.startsWith('Repositories by wasted storage'));
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(totals);
    expect(totals).toBeLessThan(ranking);
    expect(text).toContain(`Stored     ${formatBytes(json.totals.storedBytes)}`);
    expect(text).toContain(`Wasted     ${formatBytes(json.totals.wastedBytes)}`);
    expect(text).toContain('Proposed   35 deletions');
    expect(text).toContain('Protected  23 images');
  });

  it('shows each repository with the figures of the JSON', () => {
    json.repositories.forEach((r, index) => {
      const row = lines.find((l) => new RegExp(`^\\s+${index + 1}  ${r.name} `).test(l));
      expect(row).toBeDefined();
      const cells = row!.trim().split(/\s{2,}/);
      expect(cells.slice(2, 8)).toEqual(figures(r));
    });
  });

  it('lists every deletion and protected image with its reason code and sentence', () => {
    for (const d of json.plan.deletions) {
      expect(text).toContain(`${d.reasons[0].code}: ${d.reasons[0].detail}`);
    }
    expect(text).toContain('Proposed deletions (35)');
    expect(text).toContain('Protected images (23)');
    expect(text).toContain('index-child: child of kept index latest');
  });

  it('says what could not be analysed and shows the trend and warnings', () => {
    expect(text).toMatch(/Not analysed \(2\)\n {2}\d+% of stored bytes had their layers analysed/);
    expect(text).toContain('Trend ');
    expect(text).toContain('policy-matches-nothing (web/frontend)');
  });
});

describe('the Markdown rendering', () => {
  const markdown = renderDigest(dryRun, 'markdown');

  it('starts with the mode and has a ranking table that agrees with the JSON', () => {
    expect(markdown.split('\n')[0]).toBe('# ECR storage digest: DRY RUN');
    json.repositories.forEach((r, index) => {
      const row = markdown.split('\n').find((l) => l.startsWith(`| ${index + 1} | ${r.name} |`));
      expect(row).toBeDefined();
      const cells = row!.split(' | ').map((c) => c.trim());
      expect(cells.slice(2, 8)).toEqual(figures(r));
    });
    expect(markdown).toContain(`- **Stored:** ${formatBytes(json.totals.storedBytes)}`);
    expect(markdown).toContain('> **Partial run.**');
  });

  it('escapes table pipes in reasons so a row keeps its columns', () => {
    const fleet = realisticFleet().digest;
    fleet.plan.deletions[0].reasons[0].detail = 'matched a|b';
    const row = renderDigest(fleet, 'markdown')
      .split('\n')
      .find((l) => l.includes('matched a'));
    expect(row).toContain('matched a\\|b');
  });
});

describe('the HTML rendering', () => {
  const html = renderDigest(dryRun, 'html');

  it('is a standalone page with the mode badge first', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<link|<script|<style/);
    const badge = html.indexOf('id="mode"');
    expect(badge).toBeGreaterThan(0);
    expect(html.indexOf('id="totals"')).toBeGreaterThan(badge);
    expect(html.indexOf('id="ranking"')).toBeGreaterThan(html.indexOf('id="totals"'));
  });

  it('carries the exact bytes of every figure beside its formatted form', () => {
    for (const r of json.repositories) {
      const row = html.match(
        new RegExp(`<tr valign="top" data-repository="${r.name}">(.*?)</tr>(?=<tr|\\n)`),
      )?.[1];
      expect(row).toBeDefined();
      const cells = [...row!.matchAll(/data-bytes="(\d+)" title="([\d,]+) bytes"[^>]*>([^<]+)</g)];
      expect(cells.map((c) => Number(c[1]))).toEqual([
        r.wastedBytes,
        r.storedBytes,
        r.reclaimableBytes,
        r.bloatBytes,
      ]);
      expect(cells.map((c) => c[3])).toEqual([
        formatBytes(r.wastedBytes),
        formatBytes(r.storedBytes),
        formatBytes(r.reclaimableBytes),
        formatBytes(r.bloatBytes),
      ]);
      expect(cells.map((c) => Number(c[2].replace(/,/g, '')))).toEqual(
        cells.map((c) => Number(c[1])),
      );
    }
    expect(html).toContain(`data-bytes="${json.totals.storedBytes}"`);
    expect(html).toContain(`data-bytes="${json.totals.wastedBytes}"`);
  });

  it('escapes names and sentences', () => {
    const fleet = realisticFleet().digest;
    fleet.warnings.push({ code: 'x', message: '<script>alert(1)</script>' });
    expect(renderDigest(fleet, 'html')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the Slack rendering', () => {
  const messages = renderSlackMessages(dryRun, { reportUrl: 'https://reports.example/run.html' });
  const all = messages.flatMap((m) =>
    m.blocks.flatMap((b) =>
      b.type === 'section' || b.type === 'header'
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.map((e) => e.text)
          : [],
    ),
  );

  it('opens with the mode in the header and the totals', () => {
    const [main] = messages;
    expect(main.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'ECR storage digest: DRY RUN' },
    });
    expect(JSON.stringify(main.blocks)).toContain(
      `*Stored:* ${formatBytes(json.totals.storedBytes)}`,
    );
    expect(JSON.stringify(main.blocks)).toContain('*Partial run.*');
    expect(main.text).toContain('DRY RUN');
  });

  it('shows every repository with the figures of the JSON, the top ten in the main message', () => {
    json.repositories.forEach((r, index) => {
      const entry = all.find((t) => t.includes(`*${index + 1}. ${r.name}*`));
      expect(entry).toBeDefined();
      const [wasted, wastedUsd, stored, storedUsd, reclaimable, bloat] = figures(r);
      expect(entry).toContain(`*${wasted}* wasted (${wastedUsd}/month)`);
      expect(entry).toContain(
        `${stored} stored (${storedUsd}/month) · ${reclaimable} reclaimable · ${bloat} bloat`,
      );
    });
    const mainText = JSON.stringify(messages[0].blocks);
    expect(mainText).toContain('*Top 10 of 14 repositories by wasted storage*');
    expect(mainText).toContain('<https://reports.example/run.html|Open the full report>');
  });

  it('prints the same messages as JSON for the command line', () => {
    const printed = JSON.parse(renderDigest(dryRun, 'slack')) as { messages: unknown[] };
    expect(printed.messages).toEqual(renderSlackMessages(dryRun));
  });

  it('repeats the totals in every thread reply', () => {
    expect(messages.length).toBeGreaterThan(1);
    for (const reply of messages.slice(1)) {
      expect(reply.blocks[0].type).toBe('context');
      expect(JSON.stringify(reply.blocks[0])).toContain(
        `stored ${formatBytes(json.totals.storedBytes)}`,
      );
      expect(reply.text).toContain(`wasted ${formatBytes(json.totals.wastedBytes)}`);
    }
  });
});

describe('the email rendering', () => {
  const content = renderEmail(dryRun, { from: 'janitor@example.com', to: ['team@example.com'] });
  const email = parseEmail(content.raw);

  it('has a subject with the mode and the waste, a text part and an HTML part', () => {
    expect(email.subject).toBe(
      `ECR digest (DRY RUN): ${formatBytes(json.totals.wastedBytes)} wasted (${formatUsd(json.totals.wastedMonthlyCostUsd)}/month), 35 deletions proposed, partial run`,
    );
    expect(email.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);
    expect(email.from).toBe('janitor@example.com');
  });

  it('carries the same totals and the full list in both parts', () => {
    const text = partOf(email, 'text/plain');
    const html = partOf(email, 'text/html');
    expect(text).toBe(renderDigest(dryRun, 'text'));
    expect(html).toBe(renderDigest(dryRun, 'html'));
    for (const part of [text, html]) {
      expect(part).toContain(formatBytes(json.totals.storedBytes));
      expect(part).toContain(formatBytes(json.totals.wastedBytes));
      expect(part).toContain(formatUsd(json.totals.monthlyCostUsd));
      for (const r of json.repositories) expect(part).toContain(r.name);
    }
  });

  it('keeps every line of the raw message within 78 characters, as mail wants', () => {
    const longest = Math.max(...content.raw.split('\r\n').map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(78);
  });

  it('renders the same as the email format of the command line', () => {
    expect(renderDigest(dryRun, 'email')).toBe(renderEmail(dryRun).raw);
  });
});

describe('tips in every rendering', () => {
  const { digest } = realisticFleet();
  const top = digest.repositories[0];
  top.tips[0] = {
    ...top.tips[0],
    code: 'smaller-base',
    title: 'Use a distroless base image',
    basis: 'estimated',
    change: 'build FROM gcr.io/distroless/base-debian12 in the final stage',
    caveat: 'Verify the service with its own checks before relying on this saving.',
  };

  it.each(['text', 'markdown', 'html', 'slack'] as const)(
    'the %s rendering says an estimated saving is estimated and prints its caveat',
    (format) => {
      const rendered = renderDigest(digest, format).replace(/\s+/g, ' ');
      expect(rendered).toContain('saves an estimated');
      expect(rendered).toContain('Verify the service with its own checks');
    },
  );

  it('keeps the saving and the caveat in Slack when a long instruction must be shortened', () => {
    const long = {
      ...top.tips[0],
      instruction: `RUN ${'apt-get install -y pkg && '.repeat(60)}true`,
    };
    const fleet = {
      ...digest,
      repositories: [{ ...top, tips: [long] }, ...digest.repositories.slice(1)],
    };
    const text = JSON.stringify(renderSlackMessages(fleet)[0].blocks);
    expect(text).toContain(`saves an estimated ${formatBytes(long.savedBytes)}`);
    expect(text).toContain('Verify the service with its own checks');
    expect(text).toContain('…');
  });

  it('escapes Slack markup in an instruction', () => {
    top.tips[0] = { ...top.tips[0], instruction: 'RUN make > /dev/null && <x>' };
    const [main] = renderSlackMessages(digest);
    const text = JSON.stringify(main.blocks);
    expect(text).toContain('RUN make &gt; /dev/null &amp;&amp; &lt;x&gt;');
  });
});

describe('warnings', () => {
  it('shows the first partial-run warning as the banner and lists any other one', () => {
    const { digest } = realisticFleet({ partial: true });
    digest.warnings.push({
      code: 'partial-run',
      repository: 'ml/trainer',
      message: 'Layer analysis stopped at the time budget.',
    });
    for (const format of ['text', 'markdown', 'html'] as const) {
      const rendered = renderDigest(digest, format);
      expect(rendered).toContain('Could not read billing/ledger images');
      expect(rendered).toContain('Layer analysis stopped at the time budget.');
    }
  });
});
