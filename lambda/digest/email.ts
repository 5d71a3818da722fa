/**
 * The email rendering: the HTML report with inline styles and table bars,
 * plus the terminal text as the plain-text part. Both carry the totals and
 * the full ranking. SES takes at most 10 MB per message; a fleet whose
 * lists of deletions and protected images would not fit gets those lists
 * shortened (with a count of what was left out), never the totals.
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

export function renderEmail(digest: Digest, options: EmailOptions = {}): EmailContent {
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  const longest = Math.max(
    digest.plan.deletions.length,
    digest.plan.protected.length,
    digest.applied?.deleted.length ?? 0,
  );
  const attempts = [undefined, 1000, 100, 10, 0].filter(
    (rows) => rows === undefined || rows < longest,
  );
  let content: EmailContent | undefined;
  for (const rows of attempts) {
    content = compose(digest, options, rows);
    if (Buffer.byteLength(content.raw) <= maxBytes) return content;
  }
  return content!;
}

function compose(
  digest: Digest,
  options: EmailOptions,
  maxListRows: number | undefined,
): EmailContent {
  const subject = emailSubject(digest);
  const text = renderText(digest, { maxListRows, reportUrl: options.reportUrl });
  const html = renderHtml(digest, { maxListRows, reportUrl: options.reportUrl });
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
    ...(maxListRows === undefined ? {} : { listRowsShown: maxListRows }),
  };
}
