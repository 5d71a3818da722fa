/**
 * Snapshots: an inventory saved as JSON, so a report can be reproduced
 * offline. The format carries a version number because users keep them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { SnapshotError } from '../errors';
import { SNAPSHOT_VERSION, type Inventory } from '../model/inventory';

export async function saveSnapshot(file: string, inventory: Inventory): Promise<void> {
  await writeFile(file, `${JSON.stringify(inventory)}\n`);
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
