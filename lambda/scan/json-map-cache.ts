/**
 * A cache of immutable lookups (task definition revisions, published Lambda
 * versions) kept as one JSON map in the store. Entries not used by this run
 * are dropped when it is saved, so the map never outgrows the account.
 */
import type { Log } from '../util/log';
import type { Store } from '../util/store';

export class JsonMapCache<T> {
  private loaded = new Map<string, T>();
  private readonly used = new Map<string, T>();

  constructor(
    private readonly store: Store | undefined,
    private readonly key: string,
    private readonly log: Log,
  ) {}

  async load(): Promise<void> {
    if (!this.store) return;
    try {
      const text = await this.store.get(this.key);
      if (text) this.loaded = new Map(Object.entries(JSON.parse(text) as Record<string, T>));
    } catch (error) {
      this.log.warn('cache entry unreadable; starting it afresh', {
        key: this.store.locate(this.key),
        error: (error as Error).message,
      });
    }
  }

  get(id: string): T | undefined {
    const value = this.used.get(id) ?? this.loaded.get(id);
    if (value !== undefined) this.used.set(id, value);
    return value;
  }

  set(id: string, value: T): void {
    this.used.set(id, value);
  }

  async save(): Promise<void> {
    if (!this.store) return;
    const unchanged =
      this.used.size === this.loaded.size && [...this.used.keys()].every((k) => this.loaded.has(k));
    if (unchanged) return;
    try {
      await this.store.put(this.key, JSON.stringify(Object.fromEntries(this.used)));
    } catch (error) {
      this.log.warn('cache entry not written', { key: this.key, error: (error as Error).message });
    }
  }
}
