/**
 * Reads the parts of a MIME message with Python's `email` package, an
 * implementation independent of ours, so a test of the email rendering
 * does not check our encoder with our own decoder.
 */
import { execFileSync } from 'node:child_process';

export interface ParsedEmail {
  subject: string;
  from?: string;
  to?: string;
  parts: { contentType: string; body: string }[];
}

const PYTHON = `
import email, json, sys
from email import policy
message = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = [
    {"contentType": part.get_content_type(), "body": part.get_content()}
    for part in message.walk() if not part.is_multipart()
]
json.dump({"subject": str(message["subject"]), "from": message["from"] and str(message["from"]),
           "to": message["to"] and str(message["to"]), "parts": parts}, sys.stdout)
`;

export function parseEmail(raw: string): ParsedEmail {
  const out = execFileSync('python3', ['-c', PYTHON], { input: raw, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as ParsedEmail;
}

export function partOf(email: ParsedEmail, contentType: string): string {
  const part = email.parts.find((p) => p.contentType === contentType);
  if (!part) throw new Error(`no ${contentType} part in the email`);
  return part.body.replace(/\r\n/g, '\n');
}
