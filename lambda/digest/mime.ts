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

function isPlain(byte: number): boolean {
  return byte >= 33 && byte <= 126 && byte !== 61;
}

/** Quoted-printable (RFC 2045) of UTF-8 text, lines ending in CRLF. */
export function encodeQuotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const bytes = Buffer.from(line, 'utf8');
    let current = '';
    bytes.forEach((byte, i) => {
      const last = i === bytes.length - 1;
      const token =
        isPlain(byte) || ((byte === 32 || byte === 9) && !last)
          ? String.fromCharCode(byte)
          : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      if (current.length + token.length > LINE_MAX - 1) {
        out.push(`${current}=`);
        current = '';
      }
      current += token;
    });
    out.push(current);
  }
  return out.join(CRLF);
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

/** UTF-8 text as encoded words of at most 75 characters each. */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
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
