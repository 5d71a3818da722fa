/**
 * The email rendering: the HTML report with inline styles and table bars,
 * plus the terminal text as the plain-text part. Both carry the totals and
 * the full ranking. SES takes at most 10 MB per message; for a fleet whose
 * digest would not fit, the lists of deletions and protected images are
 * shortened first, and only for thousands of repositories the ranking too,
 * each with a count of what was left out. The totals are never cut.
 */
import type { Digest } from '../model/digest';
import { formatBytes, formatCount, formatUsd } from './format';
import { renderHtml } from './html';
import { buildMimeMessage } from './mime';
import { renderText } from './text';
import { modeLabel, type RenderOptions } from './view';

/** SES's limit through the v1 API is 10 MB; keep room for the headers SES adds. */
export const MAX_EMAIL_BYTES = 9_500_000;

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  /** The MIME message as SendRawEmail takes it. */
  raw: string;
  /** Rows of each image list shown, when the lists had to be shortened to fit. */
  listRowsShown?: number;
  /** Repositories of the ranking shown, when even that had to be shortened to fit. */
  rankingRowsShown?: number;
}

export interface EmailOptions extends RenderOptions {
  from?: string;
  to?: string[];
  /** @default MAX_EMAIL_BYTES */
  maxBytes?: number;
}

export function emailSubject(digest: Digest): string {
  const t = digest.totals;
  const action = digest.dryRun
    ? `${formatCount(t.proposedDeletionCount, 'deletion')} proposed`
    : `${formatCount(t.deletedCount, 'image')} deleted`;
  return `ECR digest (${modeLabel(digest)}): ${formatBytes(t.wastedBytes)} wasted (${formatUsd(t.wastedMonthlyCostUsd)}/month), ${action}${digest.partial ? ', partial run' : ''}`;
}

/** What to shorten, in order, until the message fits: image lists first, the ranking last. */
const SHORTENINGS: Limits[] = [
  {},
  { listRows: 1000 },
  { listRows: 100 },
  { listRows: 10 },
  { listRows: 0 },
  { listRows: 0, rankingRows: 1000 },
  { listRows: 0, rankingRows: 200 },
  { listRows: 0, rankingRows: 50 },
];

interface Limits {
  listRows?: number;
  rankingRows?: number;
}

export function renderEmail(digest: Digest, options: EmailOptions = {}): EmailContent {
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  const longestList = Math.max(
    digest.plan.deletions.length,
    digest.plan.protected.length,
    digest.applied?.deleted.length ?? 0,
  );
  const useful = SHORTENINGS.filter(
    (limits, index) =>
      index === 0 ||
      (limits.listRows ?? Infinity) < longestList ||
      (limits.rankingRows ?? Infinity) < digest.repositories.length,
  );
  let content: EmailContent | undefined;
  for (const limits of useful) {
    content = compose(digest, options, limits);
    if (Buffer.byteLength(content.raw) <= maxBytes) return content;
  }
  return content!;
}

function compose(digest: Digest, options: EmailOptions, limits: Limits): EmailContent {
  const subject = emailSubject(digest);
  const shortening = {
    maxListRows: limits.listRows,
    maxRankingRows: limits.rankingRows,
    reportUrl: options.reportUrl,
  };
  const text = renderText(digest, shortening);
  const html = renderHtml(digest, shortening);
  const raw = buildMimeMessage({
    subject,
    text,
    html,
    from: options.from,
    to: options.to,
    date: new Date(digest.generatedAt),
  });
  return {
    subject,
    text,
    html,
    raw,
    ...(limits.listRows === undefined ? {} : { listRowsShown: limits.listRows }),
    ...(limits.rankingRows === undefined ? {} : { rankingRowsShown: limits.rankingRows }),
  };
}
