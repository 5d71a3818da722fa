/** The Markdown rendering (GitHub-flavoured: tables, for issues, wikis and PRs). */
import type { Digest } from '../model/digest';
import { formatBytes, formatUsd, textBar } from './format';
import {
  barScale,
  bestTip,
  contextLine,
  deletionSection,
  digestTitle,
  failureLines,
  growthText,
  modeLabel,
  modeSentence,
  notAnalysedLines,
  policyLines,
  protectedLines,
  tipSentence,
  totalLines,
  warningLine,
  listedWarnings,
  partialRunBanner,
  type ImageLine,
} from './view';

/** Escapes what Markdown would read as markup inside a table cell or list item. */
function md(text: string): string {
  return text.replace(/([\\`*[\]|<>])/g, '\\$1').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(digest: Digest): string {
  const out: string[] = [
    `# ${md(digestTitle(digest))}`,
    '',
    `**${modeLabel(digest)}** · ${md(modeSentence(digest))}`,
    '',
    md(contextLine(digest)),
  ];
  const partial = partialRunBanner(digest);
  if (partial) out.push('', `> **Partial run.** ${md(partial.message)}`);

  out.push('', '## Totals', '');
  for (const line of totalLines(digest)) {
    out.push(`- **${line.label}:** ${md(line.value)} · ${md(line.detail)}`);
  }

  out.push('', '## Repositories by wasted storage', '');
  if (digest.repositories.length === 0) {
    out.push('No repositories in scope.');
  } else {
    const scale = barScale(digest);
    out.push(
      '| # | repository | wasted | wasted $/month | stored | stored $/month | reclaimable | bloat | change | |',
      '|--:|---|--:|--:|--:|--:|--:|--:|--:|---|',
    );
    digest.repositories.forEach((r, index) => {
      out.push(
        `| ${index + 1} | ${md(r.name)} | ${formatBytes(r.wastedBytes)} | ${formatUsd(r.wastedMonthlyCostUsd)} | ${formatBytes(r.storedBytes)} | ${formatUsd(r.monthlyCostUsd)} | ${formatBytes(r.reclaimableBytes)} | ${formatBytes(r.bloatBytes)} | ${growthText(r) ?? ''} | \`${textBar(r.wastedBytes, scale, 12)}\` |`,
      );
    });
    const tips = digest.repositories.filter((r) => bestTip(r));
    if (tips.length > 0) {
      out.push('', '### Best tip per repository', '');
      for (const r of tips) out.push(`- **${md(r.name)}:** ${md(tipSentence(bestTip(r)!))}`);
    }
  }

  list(out, 'Warnings', listedWarnings(digest).map(warningLine));
  list(out, 'Not analysed', notAnalysedLines(digest));
  const deletions = deletionSection(digest);
  imageTable(out, deletions.title, deletions.lines, true);
  list(out, 'Failed deletions', failureLines(digest));
  imageTable(out, 'Protected images', protectedLines(digest), false);
  list(out, 'Lifecycle policies', policyLines(digest));
  return `${out.join('\n')}\n`;
}

function list(out: string[], title: string, lines: string[]) {
  if (lines.length === 0) return;
  out.push('', `## ${title} (${lines.length})`, '', ...lines.map((line) => `- ${md(line)}`));
}

function imageTable(out: string[], title: string, lines: ImageLine[], frees: boolean) {
  if (lines.length === 0) return;
  out.push('', `## ${title} (${lines.length})`, '');
  out.push(
    frees ? '| image | frees | reasons |' : '| image | reasons |',
    frees ? '|---|--:|---|' : '|---|---|',
  );
  for (const line of lines) {
    const reasons = line.reasons.map(md).join('<br>');
    out.push(
      frees
        ? `| ${md(line.image)} | ${formatBytes(line.reclaimableBytes ?? 0)} | ${reasons} |`
        : `| ${md(line.image)} | ${reasons} |`,
    );
  }
}
