/**
 * Retries of throttled calls with full-jitter exponential backoff. The SDK
 * clients retry too (adaptive mode); this layer keeps a burst of
 * throttling on one batch from failing the batch when the SDK gives up.
 */
const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
]);

export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

export interface RetryOptions {
  /** Attempts in all, the first included. @default 6 */
  maxAttempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 10000 */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 6;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= maxAttempts) throw error;
      const cap = Math.min(
        options.maxDelayMs ?? 10_000,
        (options.baseDelayMs ?? 200) * 2 ** attempt,
      );
      await sleep(Math.floor(random() * cap));
    }
  }
}
