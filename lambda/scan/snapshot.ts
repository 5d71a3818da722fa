/**
 * Snapshots: an inventory saved as JSON, so a report can be reproduced
 * offline. The format carries a version number because users keep them.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { SnapshotError } from '../errors';
import { SNAPSHOT_VERSION, type Inventory } from '../model/inventory';

/** Keys whose values are large maps or lists, written one entry at a time. */
const STREAMED_MAPS = new Set(['manifests', 'configs', 'layerSummaries']);
const STREAMED_LISTS = new Set(['repositories', 'inUse']);

/**
 * The same text as `JSON.stringify(inventory)`, in pieces: a large
 * account's snapshot would otherwise be built as one string, which doubles
 * the memory and can pass V8's limit on string length (about 512 MiB).
 */
export function* snapshotChunks(inventory: Inventory): Generator<string> {
  yield '{';
  let first = true;
  for (const [key, value] of Object.entries(inventory)) {
    if (value === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (STREAMED_LISTS.has(key) && Array.isArray(value)) {
      yield '[';
      for (let i = 0; i < value.length; i += 1) yield `${i ? ',' : ''}${JSON.stringify(value[i])}`;
      yield ']';
    } else if (STREAMED_MAPS.has(key) && value && typeof value === 'object') {
      yield '{';
      let firstEntry = true;
      for (const [entryKey, entry] of Object.entries(value)) {
        if (entry === undefined) continue;
        yield `${firstEntry ? '' : ','}${JSON.stringify(entryKey)}:${JSON.stringify(entry)}`;
        firstEntry = false;
      }
      yield '}';
    } else {
      yield JSON.stringify(value);
    }
  }
  yield '}\n';
}

export async function saveSnapshot(file: string, inventory: Inventory): Promise<void> {
  const out = createWriteStream(file);
  // A listener for the whole write, so an error between two awaits is never unhandled.
  out.on('error', () => undefined);
  try {
    let buffer = '';
    for (const chunk of snapshotChunks(inventory)) {
      buffer += chunk;
      if (buffer.length >= 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    out.end(buffer);
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw new SnapshotError(
      `cannot write snapshot ${file}: ${(error as Error).message}; check the path given to --save-snapshot`,
      { file, cause: error },
    );
  }
}

export function parseSnapshot(text: string, file: string): Inventory {
  let raw: Partial<Inventory>;
  try {
    raw = JSON.parse(text) as Partial<Inventory>;
  } catch (error) {
    throw new SnapshotError(
      `snapshot ${file} is not valid JSON (${(error as Error).message}); save it again with --save-snapshot`,
      { file, cause: error },
    );
  }
  if (raw?.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(
      `snapshot ${file} has version ${JSON.stringify(raw?.version)}, but this release reads version ${SNAPSHOT_VERSION}; take a new snapshot with --save-snapshot`,
      { file },
    );
  }
  if (!Array.isArray(raw.repositories) || typeof raw.manifests !== 'object' || !raw.manifests) {
    throw new SnapshotError(
      `snapshot ${file} lacks "repositories" or "manifests"; it is not an ecr-janitor snapshot`,
      { file },
    );
  }
  return {
    configs: {},
    inUse: [],
    layerSummaries: {},
    missing: [],
    ...raw,
  } as Inventory;
}

export async function loadSnapshot(file: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SnapshotError(
      `cannot read snapshot ${file}: ${(error as Error).message}; check the path given to --snapshot`,
      { file, cause: error },
    );
  }
  return parseSnapshot(text, file);
}
