/**
 * Byte figures for people, the same everywhere (digest, plan warnings, bloat
 * findings): decimal units (1 GB = 10^9 bytes), the way AWS bills storage.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Whole, finite, non-negative bytes; anything else counts as 0. */
export function safeBytes(value: number | undefined): number {
  return Number.isFinite(value) && (value as number) > 0 ? Math.round(value as number) : 0;
}

/** `0 B`, `512 B`, `1.23 kB`, `12.3 MB`, `123 GB`: three significant digits. */
export function formatBytes(bytes: number): string {
  const value = safeBytes(bytes);
  if (value < 1000) return `${value} B`;
  let unit = 0;
  let scaled = value;
  while (scaled >= 999.5 && unit < UNITS.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  const digits = scaled < 9.995 ? 2 : scaled < 99.95 ? 1 : 0;
  return `${scaled.toFixed(digits)} ${UNITS[unit]}`;
}
