/** Field failures: multi-architecture indexes, their children and attestations. */
import { InventoryBuilder } from '../support/inventory-builder';
import { deletedDigests, plan, protectedEntry, reasonCodes } from './helpers';

describe('multi-architecture indexes and their children', () => {
  it.each([
    ['kept for its protected tag', undefined],
    ['kept because no rule selects it', [] as string[]],
  ])(
    'keeps both untagged platform children and the attestation of a "latest" index %s',
    (_, protectTags) => {
      const b = new InventoryBuilder();
      const amd = b.image('web', { ageDays: 30 });
      const arm = b.image('web', { ageDays: 30 });
      const { digest: latest, attestation } = b.index('web', [amd, arm], {
        tags: ['latest'],
        ageDays: 30,
        attestation: true,
      });

      const result = plan(b.build(), { rules: { untaggedDays: 7, protectTags } }, b.now);

      expect(deletedDigests(result)).toEqual([]);
      for (const child of [amd, arm, attestation as string]) {
        expect(reasonCodes(result, child)).toEqual(['index-child']);
      }
      expect(protectedEntry(result, attestation as string)?.reasons[0].detail).toMatch(
        /^attestation manifest of kept index [0-9a-f]{12} \(tag latest\)$/,
      );
      expect(deletedDigests(result)).not.toContain(latest);
    },
  );

  it('plans an index before its children and lists the children it takes along', () => {
    const b = new InventoryBuilder();
    const amd = b.image('web', { ageDays: 40 });
    const arm = b.image('web', { ageDays: 40 });
    const { digest: v1 } = b.index('web', [amd, arm], { tags: ['v1'], ageDays: 40 });
    b.image('web', { tags: ['v2'], ageDays: 1 });

    const result = plan(
      b.build(),
      { rules: { untaggedDays: 7, keepLast: [{ tagPattern: 'v*', count: 1 }] } },
      b.now,
    );

    expect(deletedDigests(result)[0]).toBe(v1);
    expect(deletedDigests(result).slice(1).sort()).toEqual([amd, arm].sort());
    expect(result.plan.deletions[0].childDigests?.sort()).toEqual([amd, arm].sort());
    const child = result.plan.deletions.find((d) => d.imageDigest === amd);
    expect(child?.reasons.map((r) => r.code)).toEqual(['untagged-expired', 'orphaned-child']);
  });

  it('deletes the orphaned children of a deleted index but keeps a child shared with a kept index', () => {
    const b = new InventoryBuilder();
    const onlyOld = b.image('lib', { ageDays: 50 });
    const shared = b.image('lib', { ageDays: 50 });
    const onlyNew = b.image('lib', { ageDays: 5 });
    const { digest: old } = b.index('lib', [onlyOld, shared], { tags: ['1.0.0'], ageDays: 50 });
    const { digest: kept } = b.index('lib', [shared, onlyNew], { tags: ['1.0.1'], ageDays: 5 });

    const result = plan(
      b.build(),
      { rules: { untaggedDays: null, keepLast: [{ tagPattern: '1.*', count: 1 }] } },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([old, onlyOld]);
    expect(result.plan.deletions[1].reasons).toEqual([
      {
        code: 'orphaned-child',
        detail: expect.stringMatching(
          /^child of index [0-9a-f]{12} \(tag 1\.0\.0\), which is deleted in this run and no kept index lists it$/,
        ),
      },
    ]);
    expect(reasonCodes(result, shared)).toEqual(['index-child']);
    expect(protectedEntry(result, shared)?.reasons[0].detail).toContain('(tag 1.0.1)');
    expect(reasonCodes(result, onlyNew)).toEqual(['index-child']);
    expect(deletedDigests(result)).not.toContain(kept);
  });

  it('keeps the children of an index that is listed on a later page than its children', () => {
    const b = new InventoryBuilder();
    const children = Array.from({ length: 3 }, () => b.image('late', { ageDays: 90 }));
    for (let i = 0; i < 1200; i++) b.image('late', { tags: [`b${i}`], ageDays: 1 });
    const { digest: index } = b.index('late', children, { tags: ['keep-me'], ageDays: 90 });

    const result = plan(b.build(), { rules: { untaggedDays: 7, protectTags: ['keep-*'] } }, b.now);

    expect(deletedDigests(result)).toEqual([]);
    for (const child of children) expect(reasonCodes(result, child)).toEqual(['index-child']);
    expect(reasonCodes(result, index)).toEqual(['protected-tag']);
  });

  it('withholds every deletion in a repository where an index manifest was not read', () => {
    const b = new InventoryBuilder();
    const child = b.image('half', { ageDays: 90 });
    const { digest: index } = b.index('half', [child], { tags: ['v1'], ageDays: 2 });
    const inventory = b.build();
    delete inventory.manifests[index];

    const result = plan(inventory, { rules: { untaggedDays: 7 } }, b.now);

    expect(deletedDigests(result)).toEqual([]);
    expect(reasonCodes(result, child)).toEqual(['scan-incomplete']);
    expect(result.warnings.map((w) => w.code)).toEqual(['deletions-withheld']);
  });
});

describe('referrers', () => {
  it('keeps the signature and SBOM of a kept image and deletes those of a deleted one', () => {
    const b = new InventoryBuilder();
    const old = b.image('signed', { tags: ['v1'], ageDays: 60 });
    const current = b.image('signed', { tags: ['v2'], ageDays: 1 });
    const oldSig = b.referrer('signed', old, { ageDays: 60 });
    const sig = b.referrer('signed', current, { ageDays: 30 });
    const sbom = b.referrer('signed', current, {
      ageDays: 30,
      artifactType: 'application/spdx+json',
    });

    const result = plan(
      b.build(),
      { rules: { untaggedDays: 7, keepLast: [{ tagPattern: 'v*', count: 1 }] } },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([old, oldSig]);
    expect(result.plan.deletions[1].reasons.map((r) => r.code)).toEqual([
      'untagged-expired',
      'orphaned-referrer',
    ]);
    expect(reasonCodes(result, sig)).toEqual(['referrer']);
    expect(protectedEntry(result, sbom)?.reasons[0].detail).toMatch(
      /^application\/spdx\+json of kept image [0-9a-f]{12} \(tag v2\)$/,
    );
  });

  it('deletes a referrer whose subject is no longer in the repository, after a day of grace', () => {
    const b = new InventoryBuilder();
    const sig = b.referrer('signed', 'sha256:' + 'a'.repeat(64), { ageDays: 3 });
    b.referrer('signed', 'sha256:' + 'b'.repeat(64), { ageDays: 0.5 });

    const result = plan(b.build(), { rules: { untaggedDays: null } }, b.now);

    expect(result.plan.deletions.map((d) => [d.imageDigest, d.reasons[0].code])).toEqual([
      [sig, 'orphaned-referrer'],
    ]);
  });
});
