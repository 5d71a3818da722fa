/** Field failures: images in use must never be deleted, however they are referenced. */
import { InventoryBuilder } from '../support/inventory-builder';
import { deletedDigests, plan, protectedEntry } from './helpers';

describe('in-use images', () => {
  it('keeps an image an ECS service names by digest, and reports it protected "by digest"', () => {
    const b = new InventoryBuilder();
    const digests = Array.from({ length: 15 }, (_, i) =>
      b.image('api', { tags: [`v${i + 1}`], ageDays: 15 - i }),
    );
    const twelfthNewest = digests[15 - 12];
    b.inUse('api', { digest: twelfthNewest }, { kind: 'ecs-service', id: 'prod/api' });

    const result = plan(
      b.build(),
      { rules: { untaggedDays: null, keepLast: [{ tagPattern: '*', count: 10 }] } },
      b.now,
    );

    expect(deletedDigests(result)).not.toContain(twelfthNewest);
    expect(deletedDigests(result)).toHaveLength(4);
    expect(protectedEntry(result, twelfthNewest)?.reasons).toContainEqual({
      code: 'in-use',
      detail: 'ECS service prod/api, by digest',
    });
  });

  it('keeps the image a Lambda container function runs by tag, with 20 newer images', () => {
    const b = new InventoryBuilder();
    const v3 = b.image('worker', { tags: ['v3'], ageDays: 30 });
    for (let i = 4; i <= 23; i++) b.image('worker', { tags: [`v${i}`], ageDays: 27 - i });
    b.inUse('worker', { tag: 'v3' }, { kind: 'lambda-function', id: 'nightly-worker' });

    const result = plan(
      b.build(),
      { rules: { keepLast: [{ tagPattern: 'v*', count: 5 }] } },
      b.now,
    );

    expect(deletedDigests(result)).not.toContain(v3);
    expect(deletedDigests(result)).toHaveLength(15);
    expect(protectedEntry(result, v3)?.reasons[0]).toEqual({
      code: 'in-use',
      detail: 'Lambda function nightly-worker, by tag v3',
    });
  });

  it('keeps an old image that only a scheduled task (no service) runs', () => {
    const b = new InventoryBuilder();
    const report = b.image('report', { tags: ['2026-09'], ageDays: 90 });
    const unused = b.image('report', { tags: ['2026-08'], ageDays: 120 });
    b.inUse('report', { tag: '2026-09' }, { kind: 'ecs-scheduled-task', id: 'report:7' });

    const result = plan(
      b.build(),
      { rules: { stale: { olderThanDays: 30, notPulledDays: 30 } } },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([unused]);
    expect(protectedEntry(result, report)?.reasons[0].detail).toBe(
      'scheduled ECS task report:7, by tag 2026-09',
    );
  });

  it('keeps a protected-tag image through a burst of 120 newer CI builds and lists it as protected', () => {
    const b = new InventoryBuilder();
    const prod = b.image('app', { tags: ['prod-2023-09-28'], ageDays: 200 });
    for (let i = 0; i < 120; i++) b.image('app', { tags: [`pr-${i}`], ageDays: 150 - i });

    const result = plan(
      b.build(),
      { rules: { keepLast: [{ tagPattern: '*', count: 100 }] } },
      b.now,
    );

    expect(deletedDigests(result)).not.toContain(prod);
    expect(deletedDigests(result)).toHaveLength(20);
    expect(protectedEntry(result, prod)?.reasons).toEqual([
      { code: 'protected-tag', detail: 'tag prod-2023-09-28 matches protected pattern prod*' },
    ]);
  });

  it('keeps two pinned old tags and deletes 40 images, not 42, when keeping the last 10 of 52', () => {
    const b = new InventoryBuilder();
    const v14 = b.image('svc', { tags: ['1.4'], ageDays: 300 });
    const v19 = b.image('svc', { tags: ['1.9'], ageDays: 250 });
    for (let i = 0; i < 50; i++) b.image('svc', { tags: [`2.${i}`], ageDays: 100 - i });
    b.inUse('svc', { tag: '1.4' }, { kind: 'ecs-service', id: 'prod/svc-a' });
    b.inUse('svc', { tag: '1.9' }, { kind: 'ecs-service', id: 'prod/svc-b' });

    const result = plan(
      b.build(),
      { rules: { keepLast: [{ tagPattern: '*', count: 10 }] } },
      b.now,
    );

    expect(deletedDigests(result)).toHaveLength(40);
    expect(deletedDigests(result)).not.toEqual(expect.arrayContaining([v14]));
    expect(deletedDigests(result)).not.toEqual(expect.arrayContaining([v19]));
    expect(result.plan.protected.map((p) => p.tags[0]).sort()).toEqual(['1.4', '1.9']);
  });

  it('keeps an image named in the configuration as an external reference', () => {
    const b = new InventoryBuilder();
    const old = b.image('shared', { tags: ['v1'], ageDays: 400 });
    b.image('shared', { tags: ['v2'], ageDays: 1 });

    const result = plan(
      b.build(),
      {
        externalReferences: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/shared:v1'],
        rules: { keepLast: [{ tagPattern: 'v*', count: 1 }] },
      },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([]);
    expect(protectedEntry(result, old)?.reasons[0]).toEqual({
      code: 'external-reference',
      detail:
        'external reference 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shared:v1, by tag v1',
    });
  });

  it('keeps an in-use platform image, its index, and the sibling platforms of that index', () => {
    const b = new InventoryBuilder();
    const amd = b.image('multi', { ageDays: 60 });
    const arm = b.image('multi', { ageDays: 60 });
    const { digest: index } = b.index('multi', [amd, arm], { tags: ['v1'], ageDays: 60 });
    b.image('multi', { tags: ['v2'], ageDays: 1 });
    b.inUse('multi', { digest: amd }, { kind: 'ecs-running-task', id: 'batch/1234' });

    const result = plan(
      b.build(),
      { rules: { untaggedDays: 7, keepLast: [{ tagPattern: 'v*', count: 1 }] } },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([]);
    expect(protectedEntry(result, index)?.reasons[0].code).toBe('in-use');
    expect(protectedEntry(result, arm)?.reasons.map((r) => r.code)).toEqual(['index-child']);
    expect(protectedEntry(result, amd)?.reasons.map((r) => r.code)).toEqual([
      'in-use',
      'index-child',
    ]);
  });
});

describe('in-use references with a tag that has moved', () => {
  it('keeps both the digest a Lambda function runs and the image its tag names now', () => {
    const b = new InventoryBuilder();
    const running = b.image('fn', { ageDays: 60 });
    const current = b.image('fn', { tags: ['prod-v3'], ageDays: 2 });
    b.image('fn', { tags: ['x'], ageDays: 1 });
    b.inUse('fn', { tag: 'prod-v3', digest: running }, { kind: 'lambda-function', id: 'billing' });

    const result = plan(b.build(), { rules: { untaggedDays: 7, protectTags: [] } }, b.now);

    expect(deletedDigests(result)).toEqual([]);
    expect(protectedEntry(result, running)?.reasons[0].detail).toBe(
      'Lambda function billing, by digest',
    );
    expect(protectedEntry(result, current)?.reasons[0].detail).toBe(
      'Lambda function billing, by tag prod-v3',
    );
  });

  it('matches a reference whose repository field still carries the registry host', () => {
    const b = new InventoryBuilder();
    const old = b.image('team/api', { ageDays: 60 });
    b.inventory.inUse.push({
      imageRef: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@${old}`,
      repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api',
      digest: old,
      source: { kind: 'ecs-service', id: 'prod/api' },
    });

    const result = plan(b.build(), { rules: { untaggedDays: 7 } }, b.now);

    expect(deletedDigests(result)).toEqual([]);
  });
});
