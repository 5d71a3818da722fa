/** Native policies written from the configuration: only rules ECR can run without hitting protected images. */
import { parseConfig } from '../../../lambda/config/schema';
import { buildPlan } from '../../../lambda/plan';
import { parseLifecyclePolicy } from '../../../lambda/plan/lifecycle/policy';
import { InventoryBuilder } from '../../support/inventory-builder';

const config = (rules: object) => parseConfig({ manageLifecyclePolicies: true, rules });

describe('native lifecycle policy generation', () => {
  it('proposes nothing unless manageLifecyclePolicies is set', () => {
    const b = new InventoryBuilder();
    b.image('a', { tags: ['v1'] });
    expect(buildPlan(b.build(), parseConfig({}), b.now).plan.lifecyclePolicies).toEqual([]);
  });

  it('writes untagged expiry natively, and leaves it out where an untagged image is in use by digest', () => {
    const b = new InventoryBuilder();
    b.image('clean', { tags: ['v1'] });
    const pinned = b.image('pinned', { ageDays: 2 });
    b.inUse('pinned', { digest: pinned }, { kind: 'ecs-service', id: 'prod/pinned' });

    const { plan } = buildPlan(b.build(), config({ untaggedDays: 14 }), b.now);

    expect(plan.lifecyclePolicies.map((p) => [p.repository, p.action])).toEqual([['clean', 'put']]);
    expect(parseLifecyclePolicy(plan.lifecyclePolicies[0].policyText as string).rules).toEqual([
      {
        rulePriority: 1,
        description: 'ecr-janitor: expire untagged images older than 14 days',
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 14,
        },
        action: { type: 'expire' },
      },
    ]);
  });

  it('still writes untagged expiry where the only protected untagged images are index children (ECR keeps those itself)', () => {
    const b = new InventoryBuilder();
    const child = b.image('multi', { ageDays: 30 });
    b.index('multi', [child], { tags: ['v1'] });
    const { plan } = buildPlan(b.build(), config({ untaggedDays: 7 }), b.now);
    expect(plan.lifecyclePolicies[0].action).toBe('put');
  });

  it('writes no keep-last rule for a tag pattern that no image of the repository has yet', () => {
    const b = new InventoryBuilder();
    b.image('etl', { tags: ['etl-1'], ageDays: 9 });
    const { plan } = buildPlan(
      b.build(),
      config({
        untaggedDays: null,
        keepLast: [
          { tagPattern: 'etl-*', count: 5 },
          { tagPattern: 'pr-*', count: 5 },
        ],
      }),
      b.now,
    );
    const rules = parseLifecyclePolicy(plan.lifecyclePolicies[0].policyText as string).rules;
    expect(rules.map((r) => r.selection.tagPatternList)).toEqual([['etl-*']]);
  });

  it('leaves out a keep-last rule whose images include a protected one', () => {
    const b = new InventoryBuilder();
    b.image('svc', { tags: ['build-1', 'release-1'], ageDays: 9 });
    b.image('svc', { tags: ['pr-1'], ageDays: 9 });
    const { plan } = buildPlan(
      b.build(),
      config({
        untaggedDays: null,
        keepLast: [
          { tagPattern: 'build-*', count: 5 },
          { tagPattern: 'pr-*', count: 5 },
        ],
      }),
      b.now,
    );
    const [policy] = plan.lifecyclePolicies;
    expect(
      parseLifecyclePolicy(policy.policyText as string).rules.map(
        (r) => r.selection.tagPatternList,
      ),
    ).toEqual([['pr-*']]);
    expect(policy.diff).toContain('+ rule 1: ecr-janitor: keep the newest 5 images tagged pr-*');
    expect(policy.diff.join('\n')).toMatch(
      /keep-last build-\*: not written natively, it could expire protected image sha256:/,
    );
  });

  it('reports an unchanged policy when the current one is the same rules in another key order', () => {
    const b = new InventoryBuilder();
    b.repository('a', {
      rules: [
        {
          action: { type: 'expire' },
          selection: {
            countNumber: 14,
            countUnit: 'days',
            countType: 'sinceImagePushed',
            tagStatus: 'untagged',
          },
          description: 'ecr-janitor: expire untagged images older than 14 days',
          rulePriority: 1,
        },
      ],
    });
    b.image('a', { tags: ['v1'] });
    const { plan } = buildPlan(b.build(), config({ untaggedDays: 14 }), b.now);
    expect(plan.lifecyclePolicies.map((p) => p.action)).toEqual(['unchanged']);
  });

  it('shows the difference against the current policy', () => {
    const b = new InventoryBuilder();
    b.repository('a', {
      rules: [
        {
          rulePriority: 1,
          description: 'old rule',
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 500 },
          action: { type: 'expire' },
        },
      ],
    });
    b.image('a', { tags: ['v1'] });
    const { plan } = buildPlan(b.build(), config({ untaggedDays: 14 }), b.now);
    expect(plan.lifecyclePolicies[0].diff).toEqual([
      '- rule 1: old rule',
      '+ rule 1: ecr-janitor: expire untagged images older than 14 days',
    ]);
  });
});
