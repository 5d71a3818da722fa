/** Field failures: how tags, patterns and native policies select images. */
import { parseLifecyclePolicy } from '../../lambda/plan/lifecycle/policy';
import { InventoryBuilder } from '../support/inventory-builder';
import { deletedDigests, plan, protectedEntry, reasonCodes } from './helpers';

describe('selection semantics', () => {
  it('keeps an image with one tag matched by the delete rule and another tag that is protected', () => {
    const b = new InventoryBuilder();
    const both = b.image('api', { tags: ['build-646', 'release-1.2'], ageDays: 20 });
    b.image('api', { tags: ['build-647'], ageDays: 1 });

    const result = plan(
      b.build(),
      { rules: { keepLast: [{ tagPattern: 'build-*', count: 1 }], protectTags: ['release-*'] } },
      b.now,
    );

    expect(deletedDigests(result)).toEqual([]);
    expect(protectedEntry(result, both)?.reasons).toEqual([
      { code: 'protected-tag', detail: 'tag release-1.2 matches protected pattern release-*' },
    ]);
  });

  it('treats protect patterns as alternatives: one matching tag is enough', () => {
    const b = new InventoryBuilder();
    const prod = b.image('api', { tags: ['prod'], ageDays: 30 });
    const staging = b.image('api', { tags: ['staging'], ageDays: 20 });
    const other = b.image('api', { tags: ['feature-x'], ageDays: 10 });
    b.image('api', { tags: ['newest'], ageDays: 1 });

    const result = plan(
      b.build(),
      { rules: { keepLast: [{ tagPattern: '*', count: 1 }], protectTags: ['prod', 'staging'] } },
      b.now,
    );

    expect(reasonCodes(result, prod)).toEqual(['protected-tag']);
    expect(reasonCodes(result, staging)).toEqual(['protected-tag']);
    expect(deletedDigests(result)).toEqual([other]);
  });

  it('writes one native rule per keep-last pattern (ECR would need every pattern of one rule to match)', () => {
    const b = new InventoryBuilder();
    b.image('api', { tags: ['build-1'], ageDays: 3 });
    b.image('api', { tags: ['pr-1'], ageDays: 2 });

    const result = plan(
      b.build(),
      {
        manageLifecyclePolicies: true,
        rules: {
          untaggedDays: 14,
          keepLast: [
            { tagPattern: 'build-*', count: 20 },
            { tagPattern: 'pr-*', count: 5 },
          ],
        },
      },
      b.now,
    );

    const [policy] = result.plan.lifecyclePolicies;
    expect(policy.action).toBe('put');
    const rules = parseLifecyclePolicy(policy.policyText as string).rules;
    expect(rules.map((r) => r.selection.tagPatternList ?? r.selection.tagStatus)).toEqual([
      ['build-*'],
      ['pr-*'],
      'untagged',
    ]);
  });

  it('warns that a policy which never fires leaves the repository unmanaged', () => {
    const b = new InventoryBuilder();
    b.repository('svc', {
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['SNAPSHOT-'],
            countType: 'imageCountMoreThan',
            countNumber: 10,
          },
          action: { type: 'expire' },
        },
      ],
    });
    for (let i = 0; i < 300; i++) {
      b.image('svc', {
        tags: [`sha-${i.toString(16).padStart(7, '0')}`],
        ageDays: 300 - i,
        layers: [{ id: `layer-${i}`, sizeBytes: 1_000_000 }],
      });
    }

    const result = plan(b.build(), {}, b.now);

    const warning = result.warnings.find((w) => w.code === 'policy-matches-nothing');
    expect(warning?.repository).toBe('svc');
    expect(warning?.message).toBe(
      "The native lifecycle policy of svc matched none of its 300 images (it selects tags starting SNAPSHOT-): the repository's 300 images and 300 MB of stored bytes are unmanaged by it.",
    );
  });

  it('warns loudly when the native policy will expire a protected image within 24 hours', () => {
    const b = new InventoryBuilder();
    b.repository('svc', {
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'any',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 30,
          },
          action: { type: 'expire' },
        },
      ],
    });
    const pinned = b.image('svc', { tags: ['1.4'], ageDays: 29.5 });
    b.image('svc', { tags: ['2.0'], ageDays: 1 });
    b.inUse('svc', { tag: '1.4' }, { kind: 'ecs-service', id: 'prod/svc' });

    const result = plan(b.build(), {}, b.now);

    const warning = result.warnings.find((w) => w.code === 'policy-hits-protected');
    expect(warning?.message).toMatch(
      /^WARNING: the native lifecycle policy of svc will expire 1 protected image\(s\) within 24 hours/,
    );
    expect(warning?.message).toContain('ECS service prod/svc, by tag 1.4');
    expect(result.plan.nativePolicyPreview).toEqual([
      {
        repository: 'svc',
        withinHours: 24,
        actions: [
          {
            imageDigest: pinned,
            tags: ['1.4'],
            rulePriority: 1,
            action: 'expire',
            protectedImage: true,
          },
        ],
      },
    ]);
  });
});
