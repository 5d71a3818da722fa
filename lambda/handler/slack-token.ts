/**
 * The Slack bot token, read from Secrets Manager when a digest is about to be
 * posted and kept for a while per container, so a rotated token is picked up
 * without a cold start. The token is never logged.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { JanitorError } from '../errors';

/** Kept this long before reading the secret again. */
export const TOKEN_CACHE_MS = 15 * 60 * 1000;

export type TokenSource = () => Promise<string>;

/** A secret holds the token as plain text, or as JSON with a `token` field. */
export function tokenFromSecret(secretString: string | undefined, secretArn: string): string {
  const text = secretString?.trim() ?? '';
  let token = text;
  if (text.startsWith('{')) {
    try {
      token = String((JSON.parse(text) as { token?: unknown }).token ?? '');
    } catch {
      token = '';
    }
  }
  if (!token) {
    throw new JanitorError(
      `the secret ${secretArn} holds no Slack token; store the bot token (xoxb-…) as its plain-text value, or as JSON {"token": "xoxb-…"}`,
    );
  }
  return token;
}

export function secretsManagerToken(
  secrets: SecretsManagerClient,
  secretArn: string,
  clock: () => number = Date.now,
): TokenSource {
  let cached: { token: string; readAtMs: number } | undefined;
  return async () => {
    if (cached && clock() - cached.readAtMs < TOKEN_CACHE_MS) return cached.token;
    const answer = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    cached = { token: tokenFromSecret(answer.SecretString, secretArn), readAtMs: clock() };
    return cached.token;
  };
}
