/** Renders the digest model in each output format. */
import { JanitorError } from '../errors';
import type { Digest } from '../model/digest';

export const DIGEST_FORMATS = ['text', 'json', 'markdown', 'html', 'slack', 'email'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export function renderDigest(digest: Digest, format: DigestFormat): string {
  if (format === 'json') return `${JSON.stringify(digest, null, 2)}\n`;
  throw new JanitorError(`the ${format} rendering is not built yet`);
}
