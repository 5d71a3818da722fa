/**
 * Prints how long buildPlan takes, and the heap it uses, over a generated
 * fleet: repositories of tagged and untagged images, multi-arch indexes with
 * children, signatures, and in-use references.
 * Usage: npm run bench:plan -- [repositories] [imagesPerRepository]
 */
import { parseConfig } from '../lambda/config/schema';
import { buildPlan } from '../lambda/plan';
import { InventoryBuilder } from '../test/support/inventory-builder';

const repositories = Number(process.argv[2] ?? 40);
const perRepository = Number(process.argv[3] ?? 1500);

const b = new InventoryBuilder();
for (let r = 0; r < repositories; r++) {
  const name = `team-${r}/service`;
  for (let i = 0; i < perRepository; i += 5) {
    const age = 400 - (i % 400);
    const amd = b.image(name, {
      ageDays: age,
      layers: [
        { id: `base-${r}`, sizeBytes: 50e6 },
        { id: `${r}-${i}-a`, sizeBytes: 5e6 },
      ],
    });
    const arm = b.image(name, {
      ageDays: age,
      layers: [
        { id: `base-${r}`, sizeBytes: 50e6 },
        { id: `${r}-${i}-b`, sizeBytes: 5e6 },
      ],
    });
    const { digest } = b.index(name, [amd, arm], { tags: [`build-${i}`], ageDays: age });
    b.referrer(name, digest, { ageDays: age });
    b.image(name, { ageDays: age });
    if (i % 100 === 0)
      b.inUse(name, { tag: `build-${i}` }, { kind: 'ecs-service', id: `prod/${name}` });
  }
}
const inventory = b.build();
const imageCount = inventory.repositories.reduce((n, r) => n + r.images.length, 0);
const config = parseConfig({
  maxDeletionsPerRun: 100_000,
  rules: { untaggedDays: 14, keepLast: [{ tagPattern: 'build-*', count: 50 }] },
});

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = process.hrtime.bigint();
const { plan } = buildPlan(inventory, config, b.now);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  JSON.stringify({
    repositories,
    images: imageCount,
    deletions: plan.deletions.length,
    protected: plan.protected.length,
    planMs: Math.round(elapsedMs),
    heapGrowthMb: Math.round((heapAfter - heapBefore) / 1e6),
  }),
);
