/**
 * Generates `sample/fleet.json`, the bundled sample fleet: a snapshot of a
 * realistic account that `npm start` reports on offline. Seeded, so every
 * run writes the same bytes:
 *
 *   npm run sample:generate            (writes sample/fleet.json)
 *   npm run sample:generate -- FILE    (writes FILE instead)
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SNAPSHOT_VERSION, type Inventory } from '../lambda/model/inventory';
import { MEDIA_TYPES } from '../lambda/model/manifest';
import { buildFleet } from './sample-fleet/fleet';

export const SAMPLE_SCANNED_AT = '2026-11-30T06:00:00.000Z';

async function main(): Promise<void> {
  const fleet = await buildFleet(new Date(SAMPLE_SCANNED_AT), 20261130);
  const inventory: Inventory = {
    version: SNAPSHOT_VERSION,
    scannedAt: SAMPLE_SCANNED_AT,
    accountId: '123456789012',
    region: 'eu-west-1',
    repositories: fleet.repositories,
    manifests: fleet.documents.manifests,
    configs: fleet.documents.configs,
    inUse: fleet.inUse,
    layerSummaries: fleet.layerSummaries,
    missing: [],
  };
  const file = process.argv[2] ?? join(__dirname, '..', 'sample', 'fleet.json');
  await writeFile(file, `${JSON.stringify(inventory)}\n`);
  const images = inventory.repositories.reduce((n, r) => n + r.images.length, 0);
  const indexes = inventory.repositories
    .flatMap((r) => r.images)
    .filter((i) => i.manifestMediaType === MEDIA_TYPES.ociIndex).length;
  process.stdout.write(
    `wrote ${file}: ${inventory.repositories.length} repositories, ${images} images (${indexes} indexes), ${Object.keys(inventory.manifests).length} manifests, ${inventory.inUse.length} in-use references\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
