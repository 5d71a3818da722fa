/**
 * What a scan did not reach (time budget) or could not read (a failing
 * repository), kept in the cache store so the next run starts with it.
 */
import type { Log } from '../util/log';
import type { Store } from '../util/store';

export class ResumeList {
  constructor(
    private readonly store: Store | undefined,
    private readonly key: string,
    private readonly log: Log,
  ) {}

  async load(): Promise<string[]> {
    if (!this.store) return [];
    try {
      const text = await this.store.get(this.key);
      const parsed = text ? (JSON.parse(text) as { repositories?: unknown }) : undefined;
      return Array.isArray(parsed?.repositories)
        ? parsed.repositories.filter((name): name is string => typeof name === 'string')
        : [];
    } catch (error) {
      this.log.warn('list of repositories missed last run unreadable; scanning in name order', {
        key: this.store.locate(this.key),
        error: (error as Error).message,
      });
      return [];
    }
  }

  async save(repositories: readonly string[], savedAt: string): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.put(this.key, JSON.stringify({ savedAt, repositories: [...repositories] }));
    } catch (error) {
      this.log.warn('list of missed repositories not written; the next run uses name order', {
        key: this.store.locate(this.key),
        error: (error as Error).message,
      });
    }
  }
}

/** Repositories missed last time first (in that order), then the rest in their given order. */
export function resumeOrder<T extends { name: string }>(
  repositories: readonly T[],
  missedLastRun: readonly string[],
): T[] {
  const byName = new Map(repositories.map((repository) => [repository.name, repository]));
  const first = [...new Set(missedLastRun)]
    .map((name) => byName.get(name))
    .filter((repository): repository is T => repository !== undefined);
  const firstNames = new Set(first.map((repository) => repository.name));
  return [...first, ...repositories.filter((repository) => !firstNames.has(repository.name))];
}
