/**
 * The manifest cache. Manifests never change for a digest, so each is
 * fetched once in its life. They are kept in one entry per repository
 * (`manifests/<account>/<region>/<repository>.json`, a map of digest to
 * body), not one per manifest: a warm scan of 2,000 repositories then reads
 * 2,000 objects, not 200,000, which matters when the store is S3.
 */
import { sha256Digest } from '../model/manifest';
import type { Log } from '../util/log';
import type { Store } from '../util/store';

const FORMAT_VERSION = 1;

interface CacheEntry {
  version: number;
  manifests: Record<string, string>;
}

export class ManifestCache {
  constructor(
    private readonly store: Store | undefined,
    private readonly scope: string,
    private readonly log: Log,
  ) {}

  key(repository: string): string {
    return `manifests/${this.scope}/${repository}.json`;
  }

  /**
   * The cached manifests of a repository. Bodies are hashed again on the
   * way in, so a damaged cache entry is refetched rather than trusted; an
   * unreadable entry is treated as empty.
   */
  async load(repository: string): Promise<Map<string, string>> {
    const manifests = new Map<string, string>();
    if (!this.store) return manifests;
    const key = this.key(repository);
    try {
      const text = await this.store.get(key);
      if (!text) return manifests;
      const entry = JSON.parse(text) as CacheEntry;
      if (entry?.version !== FORMAT_VERSION || typeof entry.manifests !== 'object') {
        return manifests;
      }
      for (const [digest, body] of Object.entries(entry.manifests)) {
        if (typeof body === 'string' && sha256Digest(body) === digest) {
          manifests.set(digest, body);
        } else {
          this.log.warn('cached manifest does not match its digest; fetching it again', {
            repository,
            imageDigest: digest,
            key: this.store.locate(key),
          });
        }
      }
    } catch (error) {
      this.log.warn('manifest cache entry unreadable; fetching its manifests again', {
        repository,
        key: this.store.locate(key),
        error: (error as Error).message,
      });
    }
    return manifests;
  }

  /**
   * Writes the repository's current manifests, when they differ from what
   * was loaded (new images, or deleted ones dropped). A failed write only
   * costs a refetch next time, so it is logged, not thrown.
   */
  async save(
    repository: string,
    current: ReadonlyMap<string, string>,
    loaded: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (!this.store) return;
    const unchanged =
      current.size === loaded.size && [...current.keys()].every((digest) => loaded.has(digest));
    if (unchanged) return;
    const entry: CacheEntry = { version: FORMAT_VERSION, manifests: Object.fromEntries(current) };
    try {
      await this.store.put(this.key(repository), JSON.stringify(entry));
    } catch (error) {
      this.log.warn('manifest cache entry not written; the next scan fetches them again', {
        repository,
        error: (error as Error).message,
      });
    }
  }
}
