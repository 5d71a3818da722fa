/** The retention rules, the per-run maximum, byte figures and determinism of the plan. */
import { InventoryBuilder } from '../support/inventory-builder';
import { deletedDigests, plan, protectedEntry, reasonCodes } from './helpers';

describe('retention rules', () => {
  it.each([
    // ageDays, untaggedDays, deleted?
    [8, 7, true],
    [7, 7, false],
    [6.9, 7, false],
    [400, 365, true],
  ])(
    'an untagged image pushed %s days ago with untaggedDays %s is deleted: %s',
    (age, days, deleted) => {
      const b = new InventoryBuilder();
      const digest = b.image('a', { ageDays: age });
      const result = plan(b.build(), { rules: { untaggedDays: days } }, b.now);
      expect(deletedDigests(result).includes(digest)).toBe(deleted);
    },
  );

  it('says that the pull time behind a stale deletion is approximate', () => {
    const b = new InventoryBuilder();
    const pulled = b.image('a', { tags: ['old'], ageDays: 120, pulledDaysAgo: 95 });
    const never = b.image('a', { tags: ['never'], ageDays: 100 });
    b.image('a', { tags: ['recent'], ageDays: 120, pulledDaysAgo: 3 });

    const result = plan(
      b.build(),
      { rules: { stale: { olderThanDays: 90, notPulledDays: 60 } } },
      b.now,
    );

    expect(result.plan.deletions.map((d) => [d.imageDigest, d.reasons])).toEqual([
      [
        pulled,
        [
          {
            code: 'not-pulled',
            detail:
              'pushed 120 days ago and last pulled 95 days ago (rule: older than 90 days and not pulled for 60; ECR records pull times about once a day, so they are approximate)',
          },
        ],
      ],
      [never, [expect.objectContaining({ detail: expect.stringContaining('never pulled') })]],
    ]);
  });

  it('keeps an image that any of its keep-last groups keeps', () => {
    const b = new InventoryBuilder();
    const both = b.image('a', { tags: ['build-1', 'main-1'], ageDays: 5 });
    b.image('a', { tags: ['build-2'], ageDays: 1 });
    const result = plan(
      b.build(),
      {
        rules: {
          keepLast: [
            { tagPattern: 'build-*', count: 1 },
            { tagPattern: 'main-*', count: 3 },
          ],
        },
      },
      b.now,
    );
    expect(deletedDigests(result)).not.toContain(both);
  });

  it('breaks push-time ties by digest, so the same images are kept on every run', () => {
    const b = new InventoryBuilder();
    const same = Array.from({ length: 6 }, (_, i) =>
      b.image('a', { tags: [`t${i}`], ageDays: 10 }),
    );
    const inventory = b.build();
    const config = { rules: { keepLast: [{ tagPattern: 't*', count: 2 }] } };

    const first = plan(inventory, config, b.now);
    const reversed = {
      ...inventory,
      repositories: [
        { ...inventory.repositories[0], images: [...inventory.repositories[0].images].reverse() },
      ],
    };
    const second = plan(reversed, config, b.now);

    expect(deletedDigests(first)).toEqual(deletedDigests(second));
    expect([...deletedDigests(first)].sort()).toEqual([...same].sort().slice(2));
  });

  it('applies the first matching override, merged field by field over the base rules', () => {
    const b = new InventoryBuilder();
    const base = b.image('team/api', { ageDays: 10 });
    const scratch = b.image('scratch/tmp', { ageDays: 10 });
    const result = plan(
      b.build(),
      {
        rules: { untaggedDays: 30, protectTags: ['keep'] },
        overrides: [
          { repositories: ['scratch/*'], rules: { untaggedDays: 2 } },
          { repositories: ['*'], rules: { untaggedDays: 1 } },
        ],
      },
      b.now,
    );
    expect(deletedDigests(result)).toContain(scratch);
    expect(deletedDigests(result)).toContain(base);
  });
});

describe('the per-run maximum', () => {
  it('deletes the oldest whole units up to the maximum and reports the rest as max-deletions-reached', () => {
    const b = new InventoryBuilder();
    const loose = Array.from({ length: 3 }, (_, i) => b.image('a', { ageDays: 100 - i }));
    const children = [b.image('a', { ageDays: 90 }), b.image('a', { ageDays: 90 })];
    const { digest: index } = b.index('a', children, { tags: ['v1'], ageDays: 90 });
    b.image('a', { tags: ['v2'], ageDays: 1 });

    const result = plan(
      b.build(),
      {
        maxDeletionsPerRun: 4,
        rules: { untaggedDays: 7, keepLast: [{ tagPattern: 'v*', count: 1 }] },
      },
      b.now,
    );

    expect(deletedDigests(result)).toEqual(loose);
    for (const digest of [index, ...children]) {
      expect(reasonCodes(result, digest)).toEqual(['max-deletions-reached']);
    }
    expect(protectedEntry(result, index)?.reasons[0].detail).toBe(
      "would be deleted (beyond-keep-count), but this run's maximum of 4 deletions was reached; a later run deletes it",
    );
    expect(result.warnings.map((w) => w.code)).toContain('max-deletions-reached');
  });
});

describe('reclaimable bytes', () => {
  it('counts a blob once, only when every image using it is deleted, and the deletions add up', () => {
    const b = new InventoryBuilder();
    const base = { id: 'base', sizeBytes: 400_000_000 };
    const first = b.image('a', { ageDays: 30, layers: [base, { id: 'x', sizeBytes: 20_000_000 }] });
    const second = b.image('a', {
      ageDays: 29,
      layers: [base, { id: 'y', sizeBytes: 20_000_000 }],
    });
    const kept = b.image('a', { tags: ['v1'], layers: [{ id: 'z', sizeBytes: 5 }] });

    const result = plan(b.build(), { rules: { untaggedDays: 7 } }, b.now);

    const bytes = Object.fromEntries(
      result.plan.deletions.map((d) => [d.imageDigest, d.reclaimableBytes]),
    );
    const config = (digest: string) =>
      JSON.parse(b.inventory.manifests[digest]).config.size as number;
    expect(bytes[first]).toBe(420_000_000 + config(first));
    expect(bytes[second]).toBe(20_000_000 + config(second));
    expect(bytes[kept]).toBeUndefined();
  });
});

describe('incomplete scans', () => {
  it('keeps an image referenced only by the last of 150 task definitions among 1,200 images', () => {
    const b = new InventoryBuilder();
    const images = Array.from({ length: 1200 }, (_, i) => b.image('big', { ageDays: 1300 - i }));
    for (let i = 0; i < 149; i++) {
      b.inUse('other', { tag: `t${i}` }, { kind: 'ecs-task-definition', id: `family:${i}` });
    }
    b.inUse('big', { digest: images[3] }, { kind: 'ecs-task-definition', id: 'family:150' });

    const result = plan(b.build(), { maxDeletionsPerRun: 5000, rules: { untaggedDays: 7 } }, b.now);

    expect(deletedDigests(result)).toHaveLength(1199);
    expect(deletedDigests(result)).not.toContain(images[3]);
    expect(reasonCodes(result, images[3])).toEqual(['in-use']);
  });

  it('deletes nothing anywhere when the workloads could not all be read', () => {
    const b = new InventoryBuilder();
    const digest = b.image('a', { ageDays: 100 });
    b.missing({ what: 'ecs-services', reason: 'AccessDeniedException' });
    b.missing({ repository: 'a', what: 'layer-summaries', reason: 'byte budget spent' });

    const result = plan(b.build(), { rules: { untaggedDays: 7 } }, b.now);

    expect(deletedDigests(result)).toEqual([]);
    expect(protectedEntry(result, digest)?.reasons[0].detail).toBe(
      'would be deleted (untagged-expired), but the scan could not read ecs-services (AccessDeniedException)',
    );
  });

  it('gives the same plan for the same inventory, configuration and instant', () => {
    const b = new InventoryBuilder();
    for (let i = 0; i < 30; i++) b.image(`r${i % 3}`, { tags: i % 2 ? [`v${i}`] : [], ageDays: i });
    const config = { rules: { keepLast: [{ tagPattern: 'v*', count: 2 }] } };
    expect(plan(b.build(), config, b.now)).toEqual(plan(b.build(), config, b.now));
  });
});
