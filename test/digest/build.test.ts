import { buildDigest, summariseRun } from '../../lambda/digest/build';
import { renderDigest, DIGEST_FORMATS } from '../../lambda/digest/render';
import { blobDigest, FleetBuilder, GB, MB } from '../fixtures/digest/fleet';

describe('buildDigest', () => {
  it('counts a layer shared by ten tags once in stored bytes', () => {
    const fleet = new FleetBuilder();
    for (let i = 0; i < 10; i++) {
      fleet.image(
        'web',
        [`v${i}`],
        [
          { name: 'debian-base', sizeBytes: 400 * MB },
          { name: `web-app-${i}`, sizeBytes: 20 * MB },
        ],
      );
    }
    const digest = buildDigest(fleet.digestInput());
    const web = digest.repositories[0];
    expect(web.storedBytes).toBe(400 * MB + 10 * 20 * MB + 10 * 1500);
    expect(web.imageCount).toBe(10);
  });

  it('counts an image index and each of its children as images, and their blobs once', () => {
    const fleet = new FleetBuilder();
    const amd = fleet.image('multi', [], [{ name: 'amd64-layer', sizeBytes: 300 * MB }]);
    const arm = fleet.image('multi', [], [{ name: 'arm64-layer', sizeBytes: 280 * MB }]);
    fleet.index(
      'multi',
      ['latest'],
      [
        { digest: amd, arch: 'amd64' },
        { digest: arm, arch: 'arm64' },
      ],
    );
    const multi = buildDigest(fleet.digestInput()).repositories[0];
    expect(multi.imageCount).toBe(3);
    expect(multi.storedBytes).toBe(580 * MB + 2 * 1500);
  });

  it('frees a layer shared only by deleted images when they are deleted together', () => {
    const fleet = new FleetBuilder();
    const shared = { name: 'shared-by-old-builds', sizeBytes: 100 * MB };
    const a = fleet.image('api', ['pr-1'], [shared, { name: 'a', sizeBytes: 5 * MB }]);
    const b = fleet.image('api', ['pr-2'], [shared, { name: 'b', sizeBytes: 7 * MB }]);
    fleet.image('api', ['prod'], [{ name: 'current', sizeBytes: 50 * MB }]);
    fleet.delete('api', a, 'beyond-keep-count', 'beyond the 1 newest pr-* images');
    fleet.delete('api', b, 'beyond-keep-count', 'beyond the 1 newest pr-* images');

    const input = fleet.digestInput();
    const api = buildDigest(input).repositories[0];

    const perImageSum = input.plan.deletions.reduce((sum, d) => sum + d.reclaimableBytes, 0);
    expect(perImageSum).toBe(5 * MB + 7 * MB + 2 * 1500);
    expect(api.reclaimableBytes).toBe(100 * MB + 5 * MB + 7 * MB + 2 * 1500);
    expect(api.deletionCount).toBe(2);
  });

  it('counts bloat only in images that stay, and wasted bytes as reclaimable plus bloat', () => {
    const fleet = new FleetBuilder();
    const old = fleet.image('svc', ['old'], [{ name: 'old-layer', sizeBytes: 30 * MB }]);
    const kept = fleet.image('svc', ['prod'], [{ name: 'kept-layer', sizeBytes: 60 * MB }]);
    fleet.delete('svc', old, 'untagged-expired', 'untagged for 30 days');
    fleet.addBloat('svc', old, [{ layerIndex: 0, sizeBytes: 10 * MB }]);
    fleet.addBloat('svc', kept, [{ layerIndex: 0, sizeBytes: 12 * MB }], [{}]);

    const svc = buildDigest(fleet.digestInput()).repositories[0];

    expect(svc.reclaimableBytes).toBe(30 * MB + 1500);
    expect(svc.bloatBytes).toBe(12 * MB);
    expect(svc.wastedBytes).toBe(30 * MB + 1500 + 12 * MB);
    expect(svc.tips.map((tip) => tip.image)).toEqual(['svc:prod']);
  });

  it('counts a cache left in a layer shared by several kept tags once', () => {
    const fleet = new FleetBuilder();
    const base = { name: 'base-with-apt-cache', sizeBytes: 200 * MB };
    for (let i = 0; i < 5; i++) {
      const digest = fleet.image('tools', [`v${i}`], [base, { name: `t${i}`, sizeBytes: MB }]);
      fleet.addBloat('tools', digest, [
        { layerIndex: 0, sizeBytes: 40 * MB },
        { layerIndex: 1, sizeBytes: 100_000 },
      ]);
    }
    const tools = buildDigest(fleet.digestInput()).repositories[0];
    expect(tools.bloatBytes).toBe(40 * MB + 5 * 100_000);
  });

  it('shows the same tip from ten tags once, for the image where it saves most', () => {
    const fleet = new FleetBuilder();
    for (let i = 1; i <= 10; i++) {
      const digest = fleet.image('batch', [`v${i}`], [{ name: `b${i}`, sizeBytes: 10 * MB }]);
      fleet.addBloat('batch', digest, [{ layerIndex: 0, sizeBytes: i * MB }], [{}]);
    }
    const batch = buildDigest(fleet.digestInput()).repositories[0];
    expect(batch.tips).toHaveLength(1);
    expect(batch.tips[0]).toMatchObject({ image: 'batch:v10', savedBytes: 10 * MB });
  });

  it('ranks repositories by wasted bytes, largest first, with totals as sums', () => {
    const fleet = new FleetBuilder();
    const sizes = { small: 1, large: 9, middle: 5 };
    for (const [name, size] of Object.entries(sizes)) {
      const digest = fleet.image(name, [], [{ name: `${name}-l`, sizeBytes: size * GB }]);
      fleet.delete(name, digest, 'untagged-expired', 'untagged for 20 days');
    }
    const digest = buildDigest(fleet.digestInput());
    expect(digest.repositories.map((r) => r.name)).toEqual(['large', 'middle', 'small']);
    expect(digest.totals.wastedBytes).toBe(15 * GB + 3 * 1500);
    expect(digest.totals.storedBytes).toBe(15 * GB + 3 * 1500);
    expect(digest.totals.monthlyCostUsd).toBe(1.5);
    expect(digest.totals.proposedDeletionCount).toBe(3);
  });

  it('prices stored and wasted bytes at the configured price per GB-month', () => {
    const fleet = new FleetBuilder();
    fleet.image('priced', ['a'], [{ name: 'p', sizeBytes: 250 * GB - 1500 }]);
    const input = fleet.digestInput();
    input.config = { ...input.config, pricePerGbMonthUsd: 0.1 };
    const priced = buildDigest(input).repositories[0];
    expect(priced.monthlyCostUsd).toBe(25);
    expect(priced.wastedMonthlyCostUsd).toBe(0);
  });

  it('marks the run partial and names what is missing in a partial-run warning', () => {
    const fleet = new FleetBuilder();
    fleet.image('ok', ['a'], [{ name: 'x', sizeBytes: MB }]);
    fleet.inventory.missing.push(
      { repository: 'payments', what: 'images', reason: 'DescribeImages timed out' },
      { what: 'ecs-services', reason: 'AccessDenied' },
    );
    fleet.warnings.push({ code: 'policy-matches-nothing', repository: 'ok', message: 'x' });
    const digest = buildDigest(fleet.digestInput());
    expect(digest.partial).toBe(true);
    expect(digest.warnings.map((w) => w.code)).toEqual(['partial-run', 'policy-matches-nothing']);
    expect(digest.warnings[0].message).toContain('payments images (DescribeImages timed out)');
    expect(digest.warnings[0].message).toContain('ecs-services (AccessDenied)');
  });

  it('does not call a run partial when only layer or config blobs were unreadable, and says so once per reason', () => {
    const fleet = new FleetBuilder();
    fleet.image('ok', ['a'], [{ name: 'x', sizeBytes: MB }]);
    for (const digest of ['sha256:1', 'sha256:2', 'sha256:3']) {
      fleet.inventory.missing.push({
        repository: 'ok',
        what: `layer ${digest}`,
        reason: 'fetch failed',
      });
    }
    fleet.inventory.missing.push({ repository: 'ok', what: 'config sha256:4', reason: 'HTTP 404' });
    const digest = buildDigest(fleet.digestInput());
    expect(digest.partial).toBe(false);
    expect(digest.warnings.map((w) => w.code)).toEqual(['analysis-incomplete']);
    expect(digest.warnings[0].message).toContain('Could not read 4 layer or config blobs');
    expect(digest.warnings[0].message).toContain('3 × fetch failed; 1 × HTTP 404');
  });

  it('reports the share of stored bytes whose layers were analysed', () => {
    const fleet = new FleetBuilder();
    fleet.image(
      'half',
      ['a'],
      [
        { name: 'seen', sizeBytes: 50 * MB },
        { name: 'unseen', sizeBytes: 50 * MB - 1500 },
      ],
    );
    const seen = blobDigest('seen');
    fleet.inventory.layerSummaries[seen] = { digest: seen, sizeBytes: 1, entries: [] };
    const digest = buildDigest(fleet.digestInput());
    expect(digest.analysedShare).toBeCloseTo(0.5, 6);
    expect(digest.repositories[0].analysedShare).toBeCloseTo(0.5, 6);
  });

  it('shows growth per repository and for the fleet against the previous run', () => {
    const fleet = new FleetBuilder();
    fleet.image('grows', ['a'], [{ name: 'g', sizeBytes: 3 * GB - 1500 }]);
    fleet.image('new', ['a'], [{ name: 'n', sizeBytes: GB - 1500 }]);
    const previous = {
      generatedAt: '2026-12-02T06:00:00Z',
      storedBytes: 2 * GB,
      wastedBytes: GB,
      repositories: { grows: { storedBytes: 2 * GB, wastedBytes: GB } },
    };
    const digest = buildDigest(fleet.digestInput({ previous }));
    expect(digest.trend).toEqual({
      previousRunAt: '2026-12-02T06:00:00Z',
      storedBytesChange: 2 * GB,
      wastedBytesChange: -GB,
    });
    const byName = Object.fromEntries(digest.repositories.map((r) => [r.name, r]));
    expect(byName.grows.storedBytesChange).toBe(GB);
    expect(byName.new.storedBytesChange).toBeUndefined();
  });

  it('keeps what the next run needs for its trend in the run summary', () => {
    const fleet = new FleetBuilder();
    fleet.image('a', ['1'], [{ name: 'a1', sizeBytes: MB }]);
    const digest = buildDigest(fleet.digestInput());
    expect(summariseRun(digest)).toEqual({
      generatedAt: digest.generatedAt,
      storedBytes: MB + 1500,
      wastedBytes: 0,
      repositories: { a: { storedBytes: MB + 1500, wastedBytes: 0 } },
    });
  });

  it('copies what applying the plan did and counts the deleted images', () => {
    const fleet = new FleetBuilder();
    const gone = fleet.image('a', [], [{ name: 'gone', sizeBytes: MB }]);
    fleet.delete('a', gone, 'untagged-expired', 'untagged for 15 days');
    const input = fleet.digestInput({ dryRun: false });
    input.applied = {
      deleted: [
        { repository: 'a', imageDigest: gone, tags: [], reasons: input.plan.deletions[0].reasons },
      ],
      alreadyGone: [],
      failed: [],
      policiesPut: [],
      reclaimedBytes: MB + 1500,
    };
    const digest = buildDigest(input);
    expect(digest.applied).toBe(input.applied);
    expect(digest.totals.deletedCount).toBe(1);
    expect(digest.dryRun).toBe(false);
  });

  describe('empty things never give NaN or Infinity', () => {
    const cases: [string, (fleet: FleetBuilder) => void][] = [
      ['a fleet with no repositories', () => undefined],
      ['a repository with no images', (fleet) => fleet.repository('empty')],
      [
        'an image whose layers hold 0 bytes',
        (fleet) => {
          const digest = fleet.image('zero', ['a'], [{ name: 'z', sizeBytes: 0 }]);
          fleet.addBloat('zero', digest, [{ layerIndex: 0, sizeBytes: 0 }], [{}]);
        },
      ],
      [
        'a zero-byte image being deleted',
        (fleet) => {
          const digest = fleet.image('zero-del', [], [{ name: 'z', sizeBytes: 0 }]);
          fleet.delete('zero-del', digest, 'untagged-expired', 'untagged for 30 days');
        },
      ],
      ['a previous run summary with missing figures', () => undefined],
    ];

    it.each(cases)('%s', (name, arrange) => {
      const fleet = new FleetBuilder();
      arrange(fleet);
      const previous =
        name === 'a previous run summary with missing figures'
          ? ({
              generatedAt: 'x',
              storedBytes: 0,
              wastedBytes: undefined,
              repositories: {},
            } as never)
          : undefined;
      const digest = buildDigest(fleet.digestInput({ previous }));
      for (const format of DIGEST_FORMATS) {
        const rendered = renderDigest(digest, format);
        expect(rendered).not.toMatch(/NaN|Infinity|undefined/);
      }
      expect(JSON.stringify(digest)).not.toMatch(/null/);
      expect(digest.analysedShare).toBe(0);
    });
  });
});
