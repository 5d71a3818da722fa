/** Helpers for bounded, batched and paginated API calls. */
import type { MissingPart } from '../model/inventory';
import { describeError } from './errors';

/** Runs a function under the scan's limit of calls in flight. */
export type CallLimit = <T>(call: () => Promise<T>) => Promise<T>;

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads a paginator with each page request under the call limit. */
export async function* limitPages<T>(pages: AsyncIterable<T>, limit: CallLimit): AsyncGenerator<T> {
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const next = await limit(() => iterator.next());
    if (next.done) return;
    yield next.value;
  }
}

/** Runs one part of a scan; a failure becomes a missing part, not the end of the run. */
export async function collect<T>(
  missing: MissingPart[],
  what: string,
  work: () => Promise<T>,
  where?: string,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    missing.push({ what, reason: `${where ? `${where}: ` : ''}${describeError(error)}` });
    return undefined;
  }
}
