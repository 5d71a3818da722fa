/**
 * Renders the digest model in each output format. Every format is made from
 * the same model and the same sentences (see view.ts), so they agree to the
 * byte with the JSON.
 */
import type { Digest } from '../model/digest';
import { renderEmail, type EmailOptions } from './email';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { renderSlackMessages } from './slack';
import { renderText } from './text';
import type { RenderOptions } from './view';

export type { RenderOptions } from './view';

export const DIGEST_FORMATS = ['text', 'json', 'markdown', 'html', 'slack', 'email'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

/**
 * One rendering as a string: `slack` is the JSON of the Block Kit messages
 * (`{ "messages": [main, ...thread replies] }`), `email` the MIME message
 * (text and HTML parts) as it would be sent, which mail clients open as `.eml`.
 */
export function renderDigest(
  digest: Digest,
  format: DigestFormat,
  options: RenderOptions & Pick<EmailOptions, 'from' | 'to'> = {},
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(digest, null, 2)}\n`;
    case 'text':
      return renderText(digest, options);
    case 'markdown':
      return renderMarkdown(digest);
    case 'html':
      return renderHtml(digest, options);
    case 'slack':
      return `${JSON.stringify({ messages: renderSlackMessages(digest, options) }, null, 2)}\n`;
    case 'email':
      return renderEmail(digest, options).raw;
  }
}
