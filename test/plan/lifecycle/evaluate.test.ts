/**
 * The native policy evaluator, checked against the examples in AWS's
 * lifecycle policy documentation ("Examples of lifecycle policies in Amazon
 * ECR") and the evaluation rules listed there, written from their stated
 * outcomes.
 */
import type { ImageRecord } from '../../../lambda/model/inventory';
import { evaluateLifecyclePolicy } from '../../../lambda/plan/lifecycle/evaluate';
import { parseLifecyclePolicy } from '../../../lambda/plan/lifecycle/policy';

const NOW = new Date('2026-12-01T00:00:00Z');

/** Images named A, B, C… as in AWS's examples; the name stands in for the digest. */
function repo(...specs: [string, string[], number][]): ImageRecord[] {
  return specs.map(([name, tags, ageDays]) => ({
    imageDigest: name,
    tags,
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    reportedSizeBytes: 1,
    pushedAt: new Date(NOW.getTime() - ageDays * 86_400_000).toISOString(),
    storageClass: 'STANDARD',
  }));
}

function expired(policy: object, images: ImageRecord[], now = NOW): string[] {
  const parsed = parseLifecyclePolicy(JSON.stringify(policy));
  return evaluateLifecyclePolicy(parsed, images, now)
    .actions.filter((a) => a.action === 'expire')
    .map((a) => a.imageDigest)
    .sort();
}

const rule = (rulePriority: number, selection: object, action: object = { type: 'expire' }) => ({
  rulePriority,
  selection,
  action,
});

describe('the native lifecycle policy evaluator, on AWS documentation examples', () => {
  it('filtering on image age: expires prod* images older than 14 days', () => {
    const images = repo(['A', ['prod-1'], 20], ['B', ['prod-2'], 10], ['C', ['dev-1'], 30]);
    const policy = {
      rules: [
        rule(1, {
          tagStatus: 'tagged',
          tagPatternList: ['prod*'],
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 14,
        }),
      ],
    };
    expect(expired(policy, images)).toEqual(['A']);
  });

  it('filtering on image count: keeps only one untagged image and expires all others', () => {
    const images = repo(['A', [], 3], ['B', [], 2], ['C', [], 1], ['D', ['v1'], 9]);
    const policy = {
      rules: [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })],
    };
    expect(expired(policy, images)).toEqual(['A', 'B']);
  });

  describe('filtering on multiple rules', () => {
    // Image A [beta-1, prod-1] 10 days, B [beta-2, prod-2] 9 days, C [beta-3] 8 days.
    const images = repo(
      ['A', ['beta-1', 'prod-1'], 10],
      ['B', ['beta-2', 'prod-2'], 9],
      ['C', ['beta-3'], 8],
    );
    it.each([
      ['tagPatternList', { tagPatternList: ['prod*'] }, { tagPatternList: ['beta*'] }],
      ['tagPrefixList', { tagPrefixList: ['prod'] }, { tagPrefixList: ['beta'] }],
    ])(
      'with %s: image A is expired; B is shielded from rule 2 because rule 1 matched it',
      (_, first, second) => {
        const policy = {
          rules: [
            rule(1, {
              tagStatus: 'tagged',
              ...first,
              countType: 'imageCountMoreThan',
              countNumber: 1,
            }),
            rule(2, {
              tagStatus: 'tagged',
              ...second,
              countType: 'imageCountMoreThan',
              countNumber: 1,
            }),
          ],
        };
        expect(expired(policy, images)).toEqual(['A']);
      },
    );
  });

  describe('filtering on multiple tags in a single rule (every pattern must match)', () => {
    const images = repo(
      ['A', ['alpha-1'], 12],
      ['B', ['beta-1'], 11],
      ['C', ['alpha-2', 'beta-2'], 10],
      ['D', ['alpha-3'], 4],
      ['E', ['beta-3'], 3],
      ['F', ['alpha-4', 'beta-4'], 2],
    );
    it('by age: only C (both tags, older than 5 days) is expired', () => {
      const policy = {
        rules: [
          rule(1, {
            tagStatus: 'tagged',
            tagPatternList: ['alpha*', 'beta*'],
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 5,
          }),
        ],
      };
      expect(expired(policy, images)).toEqual(['C']);
    });
    it('by count: of C and F, the older one (C) is expired', () => {
      const policy = {
        rules: [
          rule(1, {
            tagStatus: 'tagged',
            tagPatternList: ['alpha*', 'beta*'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
        ],
      };
      expect(expired(policy, images)).toEqual(['C']);
    });
  });

  describe('filtering on all images', () => {
    const images = repo(
      ['A', ['alpha-1'], 4],
      ['B', [], 3],
      ['C', ['alpha-2'], 2],
      ['D', ['git hash'], 1],
    );
    it('an "any" rule keeping one image expires A, B and C', () => {
      const policy = {
        rules: [rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })],
      };
      expect(expired(policy, images)).toEqual(['A', 'B', 'C']);
    });
    it('with tagged and untagged rules first, the "any" rule cannot expire what they matched: only A', () => {
      const policy = {
        rules: [
          rule(1, {
            tagStatus: 'tagged',
            tagPatternList: ['alpha*'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
          rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }),
          rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
        ],
      };
      expect(expired(policy, images)).toEqual(['A']);
    });
  });

  it('a high-priority rule with a huge count shields matching images from a later rule', () => {
    const images = repo(['stable', ['16.1'], 30], ['u1', ['16_1'], 20], ['u2', ['16_2'], 10]);
    const policy = {
      rules: [
        rule(10, {
          tagStatus: 'tagged',
          tagPrefixList: ['16.'],
          countType: 'imageCountMoreThan',
          countNumber: 9999,
        }),
        rule(20, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
      ],
    };
    expect(expired(policy, images)).toEqual(['u1']);
  });

  it('applies rules in priority order whatever their order in the document', () => {
    const images = repo(['A', ['x-1'], 10], ['B', ['x-2'], 5]);
    const policy = {
      rules: [
        rule(5, {
          tagStatus: 'any',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 1,
        }),
        rule(1, {
          tagStatus: 'tagged',
          tagPrefixList: ['x'],
          countType: 'imageCountMoreThan',
          countNumber: 5,
        }),
      ],
    };
    expect(expired(policy, images)).toEqual([]);
  });

  it('transitions by pull time and expires archived images by time since transition', () => {
    const images = repo(['A', ['v1'], 200], ['B', ['v2'], 200], ['C', ['v3'], 200]);
    images[0].lastPulledAt = new Date(NOW.getTime() - 100 * 86_400_000).toISOString();
    images[1].lastPulledAt = new Date(NOW.getTime() - 2 * 86_400_000).toISOString();
    images[2].storageClass = 'ARCHIVE';
    images[2].lastArchivedAt = new Date(NOW.getTime() - 40 * 86_400_000).toISOString();
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(
            1,
            { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
            { type: 'transition', targetStorageClass: 'archive' },
          ),
        ],
      }),
    );
    const archived = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(1, {
            tagStatus: 'any',
            countType: 'sinceImageTransitioned',
            countUnit: 'days',
            countNumber: 30,
          }),
        ],
      }),
    );
    expect(evaluateLifecyclePolicy(policy, images, NOW).actions).toEqual([
      { imageDigest: 'A', rulePriority: 1, action: 'transition' },
    ]);
    expect(evaluateLifecyclePolicy(archived, images, NOW).actions).toEqual([
      { imageDigest: 'C', rulePriority: 1, action: 'expire' },
    ]);
  });

  it('does not expire an image an index still lists, unless the index is expired too', () => {
    const images = repo(['child', [], 30], ['index', ['v1'], 1], ['lone', [], 30]);
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(1, {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 7,
          }),
        ],
      }),
    );
    const parents = new Map([['child', ['index']]]);
    expect(
      evaluateLifecyclePolicy(policy, images, NOW, { parents }).actions.map((a) => a.imageDigest),
    ).toEqual(['lone']);
  });
});

describe('lifecycle policy validation', () => {
  const valid = rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 });
  it.each([
    [
      'a pattern with five "*"',
      {
        rules: [
          rule(1, {
            tagStatus: 'tagged',
            tagPatternList: ['a*b*c*d*e*f'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
        ],
      },
      'rules[0].selection.tagPatternList[0]: a pattern may contain at most four "*" wildcards (received "a*b*c*d*e*f"); fix: use fewer "*"',
    ],
    [
      'an "any" rule that is not last',
      {
        rules: [
          rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
          rule(2, {
            tagStatus: 'tagged',
            tagPrefixList: ['x'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
        ],
      },
      'rules[0].rulePriority: a tagStatus "any" rule must have the highest priority number (be evaluated last) (received 1); fix: give it a priority above 2',
    ],
    [
      'a tagged rule with no tag list',
      {
        rules: [rule(1, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })],
      },
      'rules[0].selection.tagPrefixList: a "tagged" rule needs tagPrefixList or tagPatternList (received nothing)',
    ],
    [
      'both tag lists in one rule',
      {
        rules: [
          rule(1, {
            tagStatus: 'tagged',
            tagPrefixList: ['a'],
            tagPatternList: ['b*'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
        ],
      },
      'a rule may use tagPrefixList or tagPatternList, not both',
    ],
    [
      'a duplicate priority',
      {
        rules: [
          valid,
          rule(1, {
            tagStatus: 'tagged',
            tagPrefixList: ['x'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          }),
        ],
      },
      'rules[1].rulePriority: rule 0 has the same priority (received 1)',
    ],
    [
      'an age rule without countUnit',
      {
        rules: [rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 3 })],
      },
      'rules[0].selection.countUnit: sinceImagePushed needs countUnit "days" (received nothing); fix: set "countUnit": "days"',
    ],
    [
      'a zero count',
      {
        rules: [
          rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 0 }),
        ],
      },
      'rules[0].selection.countNumber: must be a whole number of at least 1 (received 0)',
    ],
    [
      'expiring by pull time',
      {
        rules: [
          rule(1, {
            tagStatus: 'any',
            countType: 'sinceImagePulled',
            countUnit: 'days',
            countNumber: 3,
          }),
        ],
      },
      'sinceImagePulled rules can only transition images to archive, not expire them',
    ],
    [
      'an unknown field',
      { rules: [{ ...valid, priority: 3 }] },
      'rules[0].priority: unknown field (received 3); fix: remove it',
    ],
  ])('refuses %s, naming the field, the value and the fix', (_, policy, message) => {
    expect(() => parseLifecyclePolicy(JSON.stringify(policy))).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseLifecyclePolicy('{rules:', 'lifecycle policy of api')).toThrow(
      /^lifecycle policy of api is not valid JSON/,
    );
  });
});
