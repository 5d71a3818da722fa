import {
  formatBytes,
  formatBytesChange,
  formatPercent,
  formatUsd,
  fraction,
  imageLabel,
  textBar,
} from '../../lambda/digest/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [1234, '1.23 kB'],
    [99_949, '99.9 kB'],
    [999_499, '999 kB'],
    [999_500, '1.00 MB'],
    [12_345_678, '12.3 MB'],
    [1_000_000_000, '1.00 GB'],
    [123_456_789_012, '123 GB'],
    [4_200_000_000_000, '4.20 TB'],
    [Number.NaN, '0 B'],
    [Number.POSITIVE_INFINITY, '0 B'],
    [-5, '0 B'],
  ])('shows %p bytes as %p (decimal units, as AWS bills)', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('formatBytesChange', () => {
  it.each([
    [1_200_000_000, '+1.20 GB'],
    [-300_000_000, '-300 MB'],
    [0, 'no change'],
    [Number.NaN, 'no change'],
  ])('shows a change of %p as %p', (change, expected) => {
    expect(formatBytesChange(change)).toBe(expected);
  });
});

describe('money, shares and bars', () => {
  it.each([
    [0, '$0.00'],
    [1234.5, '$1,234.50'],
    [Number.NaN, '$0.00'],
  ])('shows %p dollars as %p', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });

  it.each([
    [0, 0, 0],
    [5, 0, 0],
    [5, 10, 0.5],
    [Number.NaN, 10, 0],
    [10, Number.POSITIVE_INFINITY, 0],
  ])('takes %p of %p as the share %p, never NaN', (value, max, expected) => {
    expect(fraction(value, max)).toBe(expected);
  });

  it('shows at least one cell for any waste, and an empty bar for none', () => {
    expect(textBar(1, 1_000_000, 10)).toBe('█░░░░░░░░░');
    expect(textBar(0, 0, 4)).toBe('░░░░');
    expect(textBar(10, 10, 4)).toBe('████');
  });

  it('clamps a share to a whole percentage', () => {
    expect(formatPercent(0.256)).toBe('26%');
    expect(formatPercent(Number.NaN)).toBe('0%');
    expect(formatPercent(0.0001)).toBe('<1%');
    expect(formatPercent(0.9999)).toBe('>99%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(1)).toBe('100%');
  });
});

describe('imageLabel', () => {
  it('names an image by its first tag, and counts the others', () => {
    expect(imageLabel('api', 'sha256:abc', ['v1', 'prod'])).toBe('api:v1 (+1 tags)');
  });
  it('names an untagged image by a short digest', () => {
    expect(imageLabel('api', `sha256:${'0123456789abcdef'.repeat(4)}`, [])).toBe(
      'api@sha256:0123456789ab',
    );
  });
});
