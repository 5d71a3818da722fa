/**
 * Sending the digest by email through SES SendRawEmail, so the message
 * sent is exactly the MIME message `--format email` prints.
 */
import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { EmailContent } from '../digest/email';

export interface EmailTarget {
  ses: SESClient;
  from: string;
  to: string[];
}

/** Sends one message to every recipient; returns SES's message id. */
export async function sendEmail(target: EmailTarget, content: EmailContent): Promise<string> {
  const answer = await target.ses.send(
    new SendRawEmailCommand({
      Source: target.from,
      Destinations: target.to,
      RawMessage: { Data: Buffer.from(content.raw, 'utf8') },
    }),
  );
  return answer.MessageId ?? '';
}
