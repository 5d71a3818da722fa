/**
 * Formatting shared by every rendering, so a figure reads the same in the
 * terminal, Markdown, HTML, Slack and email. Byte figures use decimal units
 * (1 GB = 10^9 bytes), the way AWS bills storage; the JSON keeps integers.
 */
import type { Reason } from '../model/plan';
import { formatBytes, safeBytes } from '../util/bytes';

export { formatBytes, safeBytes };

/** A change in bytes with its sign: `+1.20 GB`, `-300 MB`, `no change`. */
export function formatBytesChange(change: number): string {
  if (!Number.isFinite(change) || Math.round(change) === 0) return 'no change';
  const sign = change > 0 ? '+' : '-';
  return `${sign}${formatBytes(Math.abs(change))}`;
}

/** `$1,234.56`; non-finite amounts read as `$0.00`. */
export function formatUsd(amount: number): string {
  const value = Number.isFinite(amount) ? amount : 0;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  const value = Number.isFinite(count) ? count : 0;
  return `${value.toLocaleString('en-US')} ${value === 1 ? singular : plural}`;
}

/** Exact bytes with thousands separators, for titles and plain-text detail. */
export function formatExactBytes(bytes: number): string {
  return `${safeBytes(bytes).toLocaleString('en-US')} bytes`;
}

/** A share of 0..1 as a whole percentage; 0 when the share is not a finite number. */
export function formatPercent(share: number): string {
  const value = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  // A share that is there but rounds away must not read as none (or as all).
  if (value > 0 && value < 0.005) return '<1%';
  if (value < 1 && value > 0.995) return '>99%';
  return `${Math.round(value * 100)}%`;
}

/** `value / max` in 0..1; 0 when max is 0 or either figure is not finite. */
export function fraction(value: number, max: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(max) || max <= 0 || value <= 0) return 0;
  return Math.min(1, value / max);
}

/**
 * A compact text bar, `width` cells wide. Any non-zero value shows at least
 * one cell so a small waste is still visible next to a large one.
 */
export function textBar(value: number, max: number, width = 20): string {
  const share = fraction(value, max);
  const filled = share === 0 ? 0 : Math.max(1, Math.round(share * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** `repository:tag` when the image has a tag, else `repository@sha256:0123456789ab`. */
export function imageLabel(repository: string, imageDigest: string, tags: string[]): string {
  if (tags.length > 0) {
    const more = tags.length > 1 ? ` (+${tags.length - 1} tags)` : '';
    return `${repository}:${tags[0]}${more}`;
  }
  return `${repository}@${shortDigest(imageDigest)}`;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  return algorithm ? `${algorithm}:${hex.slice(0, 12)}` : hex.slice(0, 12);
}

/** A reason as its stable code beside its human sentence. */
export function formatReason(reason: Reason): string {
  return reason.detail ? `${reason.code}: ${reason.detail}` : reason.code;
}

/** `2026-12-03 17:00 UTC` */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Shortens a line to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
