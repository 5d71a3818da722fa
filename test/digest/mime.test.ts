import {
  buildMimeMessage,
  decodeQuotedPrintable,
  encodeQuotedPrintable,
} from '../../lambda/digest/mime';
import { parseEmail } from './mime-parts';

describe('quoted-printable encoding', () => {
  it.each([
    ['plain ASCII', 'Stored 22.0 GB', 'Stored 22.0 GB'],
    ['an equals sign', 'a=b', 'a=3Db'],
    ['a space at the end of a line', 'end \nnext', 'end=20\r\nnext'],
    ['UTF-8 characters', '█ ·', '=E2=96=88 =C2=B7'],
  ])('encodes %s', (_what, text, encoded) => {
    expect(encodeQuotedPrintable(text)).toBe(encoded);
  });

  it('breaks long lines softly at 76 characters and decodes back to the same text', () => {
    const text = `${'x'.repeat(200)}\n${'█'.repeat(60)} and = signs\n\nlast line`;
    const encoded = encodeQuotedPrintable(text);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(encoded)).toBe(text);
  });
});

describe('the MIME message', () => {
  it('encodes a subject beyond ASCII in encoded words that mail readers decode', () => {
    const raw = buildMimeMessage({
      subject: 'ECR digest — 1.20 GB wasted · résumé of a long and winding subject line',
      text: 'text',
      html: '<p>html</p>',
      from: 'janitor@example.com',
      to: ['a@example.com', 'b@example.com'],
    });
    const parsed = parseEmail(raw);
    expect(parsed.subject).toBe(
      'ECR digest — 1.20 GB wasted · résumé of a long and winding subject line',
    );
    expect(parsed.to).toBe('a@example.com, b@example.com');
    expect(parsed.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });
});
