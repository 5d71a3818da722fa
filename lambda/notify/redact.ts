/**
 * Turns a delivery error into a short message that is safe to log and to
 * return: the error's name or code and message, with anything that looks
 * like a Slack token, a bearer token or an AWS secret removed.
 */
const SECRETS: RegExp[] = [
  /xox[abeoprs]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /Bearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /(?:AKIA|ASIA)[A-Z0-9]{16}/g,
  /(aws_secret_access_key|secretAccessKey|sessionToken|token)(["'=:\s]+)[^\s"',}]+/gi,
];

export function redactSecrets(text: string): string {
  let clean = text;
  for (const pattern of SECRETS) {
    clean = clean.replace(pattern, (match, key?: string, separator?: string) =>
      typeof key === 'string' && typeof separator === 'string' && match.startsWith(key)
        ? `${key}${separator}[redacted]`
        : '[redacted]',
    );
  }
  return clean;
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactSecrets(String(error));
  const withData = error as Error & { code?: string; data?: { error?: string } };
  const slackError = withData.data?.error;
  const label = withData.code ?? error.name;
  const detail = slackError && !error.message.includes(slackError) ? ` (${slackError})` : '';
  return redactSecrets(`${label}: ${error.message}${detail}`);
}
