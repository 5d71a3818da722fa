/**
 * A multipart/alternative MIME message (plain text and HTML), as SES's
 * SendRawEmail takes it and as mail clients open `.eml` files. Parts are
 * quoted-printable, so the message stays 7-bit and still readable as text.
 */
import { createHash } from 'node:crypto';

export interface MimeParts {
  subject: string;
  text: string;
  html: string;
  from?: string;
  to?: string[];
  date?: Date;
}

const CRLF = '\r\n';
const LINE_MAX = 76;

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable (RFC 2045) of UTF-8 text, lines ending in CRLF. Written
 * byte by byte into one buffer: a fleet's digest can run to megabytes.
 */
export function encodeQuotedPrintable(text: string): string {
  const input = Buffer.from(text.replace(/\r\n/g, '\n'), 'utf8');
  // Worst case: every byte as =XX, plus a soft break every 25 bytes.
  const output = Buffer.alloc(input.length * 3 + Math.ceil(input.length / 25) * 3 + 16);
  let length = 0;
  let column = 0;
  const put = (byte: number) => {
    output[length++] = byte;
  };
  const softBreak = () => {
    put(61); // '='
    put(13);
    put(10);
    column = 0;
  };
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === 10) {
      put(13);
      put(10);
      column = 0;
      continue;
    }
    const endOfLine = i + 1 === input.length || input[i + 1] === 10;
    const literal =
      (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !endOfLine);
    const width = literal ? 1 : 3;
    if (column + width > LINE_MAX - 1) softBreak();
    if (literal) {
      put(byte);
    } else {
      put(61);
      put(HEX.charCodeAt(byte >> 4));
      put(HEX.charCodeAt(byte & 15));
    }
    column += width;
  }
  return output.toString('latin1', 0, length);
}

export function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/**
 * A header field folded at spaces to lines of at most 78 characters (RFC
 * 5322); anything beyond ASCII goes in RFC 2047 encoded words.
 */
function header(name: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  const words = /^[\x20-\x7e]*$/.test(clean) ? clean.split(' ') : encodedWords(clean);
  const lines: string[] = [];
  let current = `${name}:`;
  for (const word of words) {
    if (current.length + 1 + word.length > 78 && current.trim().length > name.length + 1) {
      lines.push(current);
      current = '';
    }
    current += ` ${word}`;
  }
  lines.push(current);
  return lines.join(CRLF);
}

/** UTF-8 text as encoded words short enough to share a line with a header name. */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

export function buildMimeMessage(parts: MimeParts): string {
  const boundary = `=_ecr-janitor-${createHash('sha256').update(parts.text).update(parts.html).digest('hex').slice(0, 24)}`;
  const headers = [
    ...(parts.from ? [header('From', parts.from)] : []),
    ...(parts.to?.length ? [header('To', parts.to.join(', '))] : []),
    header('Subject', parts.subject),
    ...(parts.date ? [`Date: ${parts.date.toUTCString()}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ` boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=UTF-8`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      encodeQuotedPrintable(body),
    ].join(CRLF);
  return [
    headers.join(CRLF),
    '',
    'This is a multi-part message in MIME format.',
    part('text/plain', parts.text),
    part('text/html', parts.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
