/** The terminal rendering: plain text, widest line about 120 characters. */
import type { Digest, RepositoryDigest } from '../model/digest';
import { formatBytes, formatUsd, textBar } from './format';
import {
  barScale,
  bestTip,
  contextLine,
  deletionSection,
  digestTitle,
  failureLines,
  growthText,
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

const NAME_WIDTH_MAX = 40;
const BAR_WIDTH = 12;
/** Tips and long sentences wrap at this width. */
const WRAP_WIDTH = 118;

export interface TextOptions {
  reportUrl?: string;
  /** At most this many deletion and protected lines each; the rest are counted. */
  maxListRows?: number;
  /** At most this many repositories in the ranking; the rest are counted. */
  maxRankingRows?: number;
}

export function renderText(digest: Digest, options: TextOptions = {}): string {
  const out: string[] = [
    digestTitle(digest),
    ...wrap(modeSentence(digest), ''),
    contextLine(digest),
  ];
  if (options.reportUrl) out.push(`Full report: ${options.reportUrl}`);
  const partial = partialRunBanner(digest);
  if (partial) out.push('', ...wrap(`!! PARTIAL RUN: ${partial.message}`, ''));

  out.push('', 'Totals');
  const lines = totalLines(digest);
  const labelWidth = Math.max(...lines.map((l) => l.label.length));
  const valueWidth = Math.max(...lines.map((l) => l.value.length));
  for (const line of lines) {
    out.push(
      `  ${line.label.padEnd(labelWidth)}  ${line.value.padEnd(valueWidth)}  ${line.detail}`,
    );
  }

  out.push('', 'Repositories by wasted storage (wasted = reclaimable + bloat)');
  if (digest.repositories.length === 0) out.push('  (no repositories in scope)');
  else out.push(...rankingTable(digest, options.maxRankingRows));

  const warnings = listedWarnings(digest);
  section(out, 'Warnings', warnings.map(warningLine));
  section(out, 'Not analysed', notAnalysedLines(digest));

  const deletions = deletionSection(digest);
  imageSection(out, deletions.title, deletions.lines, options.maxListRows);
  section(out, 'Failed deletions', failureLines(digest));
  imageSection(out, 'Protected images', protectedLines(digest), options.maxListRows);
  section(out, 'Lifecycle policies', policyLines(digest));
  return `${out.join('\n')}\n`;
}

function rankingTable(digest: Digest, maxRows?: number): string[] {
  const nameWidth = Math.min(
    NAME_WIDTH_MAX,
    Math.max('repository'.length, ...digest.repositories.map((r) => r.name.length)),
  );
  const rankWidth = String(digest.repositories.length).length;
  const scale = barScale(digest);
  const header = [
    '#'.padStart(rankWidth),
    'repository'.padEnd(nameWidth),
    'wasted'.padStart(9),
    'wasted/mo'.padStart(9),
    'stored'.padStart(9),
    'stored/mo'.padStart(9),
    'reclaimable'.padStart(11),
    'bloat'.padStart(9),
    'change'.padStart(9),
    '',
  ].join('  ');
  const rows = [`  ${header.trimEnd()}`];
  const shown = maxRows === undefined ? digest.repositories : digest.repositories.slice(0, maxRows);
  shown.forEach((repository, index) => {
    rows.push(`  ${rankingRow(repository, index + 1, rankWidth, nameWidth, scale)}`);
    const tip = bestTip(repository);
    if (tip) rows.push(...wrap(`tip: ${tipSentence(tip)}`, `  ${' '.repeat(rankWidth)}  `));
  });
  if (shown.length < digest.repositories.length) {
    rows.push(
      `  … ${digest.repositories.length - shown.length} more repositories not listed here; see the full report or \`report --format json\`.`,
    );
  }
  return rows;
}

function rankingRow(
  repository: RepositoryDigest,
  rank: number,
  rankWidth: number,
  nameWidth: number,
  scale: number,
): string {
  return [
    String(rank).padStart(rankWidth),
    repository.name.padEnd(nameWidth),
    formatBytes(repository.wastedBytes).padStart(9),
    formatUsd(repository.wastedMonthlyCostUsd).padStart(9),
    formatBytes(repository.storedBytes).padStart(9),
    formatUsd(repository.monthlyCostUsd).padStart(9),
    formatBytes(repository.reclaimableBytes).padStart(11),
    formatBytes(repository.bloatBytes).padStart(9),
    (growthText(repository) ?? '').padStart(9),
    textBar(repository.wastedBytes, scale, BAR_WIDTH),
  ].join('  ');
}

function section(out: string[], title: string, lines: string[]) {
  if (lines.length === 0) return;
  out.push('', `${title} (${lines.length})`, ...lines.flatMap((line) => wrap(line, '  ')));
}

function imageSection(out: string[], title: string, lines: ImageLine[], maxRows?: number) {
  if (lines.length === 0) return;
  out.push('', `${title} (${lines.length})`);
  const shown = maxRows === undefined ? lines : lines.slice(0, maxRows);
  for (const line of shown) {
    const frees =
      line.reclaimableBytes === undefined ? '' : `  frees ${formatBytes(line.reclaimableBytes)}`;
    out.push(`  ${line.image}${frees}`);
    for (const reason of line.reasons) out.push(...wrap(reason, '      '));
  }
  if (shown.length < lines.length) {
    out.push(
      `  … ${lines.length - shown.length} more not listed here; see the full report or \`report --format json\`.`,
    );
  }
}

/** Word-wraps a sentence at WRAP_WIDTH, continuation lines indented two more. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let current = indent;
  for (const word of text.split(' ')) {
    if (current.trim() && current.length + 1 + word.length > WRAP_WIDTH) {
      lines.push(current);
      current = `${indent}  `;
    }
    current += current.trim() ? ` ${word}` : word;
  }
  lines.push(current);
  return lines;
}
