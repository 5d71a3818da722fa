/**
 * The HTML rendering: one standalone page with inline styles and table
 * layout only, so the same markup reads well in a browser and in common
 * mail clients (which drop `<style>` blocks and ignore flexbox). Every byte
 * cell carries the exact figure in `data-bytes` and its `title`.
 */
import type { Digest, RepositoryDigest } from '../model/digest';
import { formatBytes, formatExactBytes, formatUsd, fraction } from './format';
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

export interface HtmlOptions {
  /** Link to the full report, shown near the top (email). */
  reportUrl?: string;
  /** At most this many deletion and protected rows each; the rest are counted. */
  maxListRows?: number;
  /** At most this many repositories in the ranking; the rest are counted. */
  maxRankingRows?: number;
}

const FONT = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
/** Cell styles are repeated on every cell: mail clients do not inherit padding or borders. */
const CELL = 'padding:6px 8px;border-bottom:1px solid #e5e7eb';
const NUM = `${CELL};text-align:right;white-space:nowrap`;
const HEAD =
  'padding:6px 8px;border-bottom:2px solid #d1d5db;font-size:12px;color:#4b5563;text-align:left;white-space:nowrap';
const H2 = 'margin:28px 0 8px;font-size:17px;color:#111827';
const BAR_COLOUR = '#dc6b19';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function bytesCell(bytes: number, style = NUM, note?: string): string {
  const below = note
    ? `<br><span style="font-size:11px;font-weight:normal;color:#6b7280">${escapeHtml(note)}</span>`
    : '';
  return `<td data-bytes="${Math.round(bytes)}" title="${formatExactBytes(bytes)}" style="${style}">${formatBytes(bytes)}${below}</td>`;
}

/** A repository name that may wrap after each `/`, never inside a word. */
function nameHtml(name: string): string {
  return escapeHtml(name).replace(/\//g, '/<wbr>');
}

/** A bar as a nested table with a coloured cell: the one chart every mail client draws. */
export function barCell(value: number, max: number): string {
  const percent = Math.round(fraction(value, max) * 100);
  const filled = percent > 0 ? Math.max(1, percent) : 0;
  const parts = [
    filled > 0
      ? `<td width="${filled}%" bgcolor="${BAR_COLOUR}" style="background:${BAR_COLOUR};height:12px;font-size:0;line-height:0">&nbsp;</td>`
      : '',
    filled < 100 ? '<td style="height:12px;font-size:0;line-height:0">&nbsp;</td>' : '',
  ].join('');
  return `<td class="bar" style="${CELL};width:140px;min-width:100px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background:#f3f4f6"><tr>${parts}</tr></table></td>`;
}

export function renderHtml(digest: Digest, options: HtmlOptions = {}): string {
  const body: string[] = [header(digest, options)];
  body.push(totalsTable(digest));
  body.push(
    `<h2 style="${H2}">Repositories by wasted storage</h2>`,
    rankingTable(digest, options.maxRankingRows),
  );
  body.push(tipsList(digest));
  body.push(list('Warnings', listedWarnings(digest).map(warningLine)));
  body.push(list('Not analysed', notAnalysedLines(digest)));
  const deletions = deletionSection(digest);
  body.push(imageTable(deletions.title, deletions.lines, true, options.maxListRows));
  body.push(list('Failed deletions', failureLines(digest)));
  body.push(imageTable('Protected images', protectedLines(digest), false, options.maxListRows));
  body.push(list('Lifecycle policies', policyLines(digest)));

  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(digestTitle(digest))}</title></head>`,
    `<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONT};color:#1f2937">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:20px 8px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:1100px;background:#ffffff;border:1px solid #e5e7eb"><tr><td style="padding:20px 24px">',
    ...body.filter(Boolean),
    '</td></tr></table></td></tr></table></body></html>',
    '',
  ].join('\n');
}

function header(digest: Digest, options: HtmlOptions): string {
  const dry = digest.dryRun;
  const badge = `<span id="mode" style="display:inline-block;padding:3px 10px;font-size:13px;font-weight:bold;letter-spacing:1px;color:${dry ? '#7c4a03' : '#ffffff'};background:${dry ? '#fde68a' : '#b91c1c'}">${modeLabel(digest)}</span>`;
  const parts = [
    `<p style="margin:0 0 8px">${badge}</p>`,
    `<h1 style="margin:0 0 4px;font-size:22px;color:#111827">${escapeHtml(digestTitle(digest))}</h1>`,
    `<p style="margin:0;font-size:14px">${escapeHtml(modeSentence(digest))}</p>`,
    `<p style="margin:4px 0 0;font-size:12px;color:#6b7280">${escapeHtml(contextLine(digest))}</p>`,
  ];
  if (options.reportUrl) {
    parts.push(
      `<p style="margin:10px 0 0;font-size:14px"><a href="${escapeHtml(options.reportUrl)}" style="color:#1d4ed8">Open the full report</a></p>`,
    );
  }
  const partial = partialRunBanner(digest);
  if (partial) {
    parts.push(
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin-top:14px"><tr><td id="partial-run" style="padding:10px 12px;background:#fef2f2;border-left:4px solid #b91c1c;font-size:14px"><strong>Partial run.</strong> ${escapeHtml(partial.message)}</td></tr></table>`,
    );
  }
  return parts.join('\n');
}

function totalsTable(digest: Digest): string {
  const rows = totalLines(digest).map((line) => {
    const value =
      line.bytes === undefined
        ? `<td style="${NUM};font-size:16px;font-weight:bold">${escapeHtml(line.value)}</td>`
        : bytesCell(line.bytes, `${NUM};font-size:16px;font-weight:bold`);
    return `<tr><th scope="row" style="${CELL};text-align:left;color:#4b5563">${line.label}</th>${value}<td style="${CELL}">${escapeHtml(line.detail)}</td></tr>`;
  });
  return `<h2 style="${H2}">Totals</h2>\n<table id="totals" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px">${rows.join('')}</table>`;
}

function rankingTable(digest: Digest, maxRows?: number): string {
  if (digest.repositories.length === 0)
    return '<p style="font-size:14px">No repositories in scope.</p>';
  const scale = barScale(digest);
  const numeric = new Set(['#', 'wasted', 'stored', 'reclaimable', 'bloat', 'change']);
  const headings = ['#', 'repository', '', 'wasted', 'stored', 'reclaimable', 'bloat', 'change']
    .map(
      (h) =>
        `<th scope="col" style="${HEAD}${numeric.has(h) ? ';text-align:right' : ''}">${h}</th>`,
    )
    .join('');
  const shown = maxRows === undefined ? digest.repositories : digest.repositories.slice(0, maxRows);
  const rows = shown.map((r, index) => rankingRow(r, index + 1, scale));
  const more =
    shown.length < digest.repositories.length
      ? `<p style="font-size:13px;color:#6b7280">${digest.repositories.length - shown.length} more repositories not listed here; the full list is in the full report and in <code>report --format json</code>.</p>`
      : '';
  return `<table id="ranking" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px"><thead><tr>${headings}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>${more}`;
}

function rankingRow(r: RepositoryDigest, rank: number, scale: number): string {
  return [
    `<tr valign="top" data-repository="${escapeHtml(r.name)}">`,
    `<td style="${NUM};color:#6b7280">${rank}</td>`,
    `<td style="${CELL};font-family:Menlo,Consolas,monospace;min-width:120px">${nameHtml(r.name)}</td>`,
    barCell(r.wastedBytes, scale),
    bytesCell(
      r.wastedBytes,
      `${NUM};font-weight:bold`,
      `${formatUsd(r.wastedMonthlyCostUsd)}/month`,
    ),
    bytesCell(r.storedBytes, NUM, `${formatUsd(r.monthlyCostUsd)}/month`),
    bytesCell(r.reclaimableBytes),
    bytesCell(r.bloatBytes),
    `<td style="${NUM}">${escapeHtml(growthText(r) ?? '')}</td>`,
    '</tr>',
  ].join('');
}

function tipsList(digest: Digest): string {
  const items = digest.repositories
    .filter((r) => bestTip(r))
    .map(
      (r) =>
        `<li style="margin:4px 0"><strong>${escapeHtml(r.name)}:</strong> ${escapeHtml(tipSentence(bestTip(r)!))}</li>`,
    );
  if (items.length === 0) return '';
  return `<h2 style="${H2}">Best tip per repository</h2>\n<ul style="margin:0;padding-left:20px;font-size:13px">${items.join('\n')}</ul>`;
}

function list(title: string, lines: string[]): string {
  if (lines.length === 0) return '';
  const items = lines.map((line) => `<li style="margin:4px 0">${escapeHtml(line)}</li>`).join('\n');
  return `<h2 style="${H2}">${title} (${lines.length})</h2>\n<ul style="margin:0;padding-left:20px;font-size:13px">${items}</ul>`;
}

function imageTable(title: string, lines: ImageLine[], frees: boolean, maxRows?: number): string {
  if (lines.length === 0) return '';
  const shown = maxRows === undefined ? lines : lines.slice(0, maxRows);
  const rows = shown.map(
    (line) =>
      `<tr valign="top"><td style="${CELL};font-family:Menlo,Consolas,monospace;word-break:break-all" title="${escapeHtml(line.imageDigest)}">${escapeHtml(line.image)}</td>${frees ? bytesCell(line.reclaimableBytes ?? 0) : ''}<td style="${CELL}">${line.reasons.map(escapeHtml).join('<br>')}</td></tr>`,
  );
  const headings = ['image', ...(frees ? ['frees'] : []), 'reasons']
    .map((h) => `<th scope="col" style="${HEAD}">${h}</th>`)
    .join('');
  const more =
    shown.length < lines.length
      ? `<p style="font-size:13px;color:#6b7280">${lines.length - shown.length} more not listed here; the full list is in the full report and in <code>report --format json</code>.</p>`
      : '';
  return `<h2 style="${H2}">${escapeHtml(title)} (${lines.length})</h2>\n<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px"><thead><tr>${headings}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>${more}`;
}
