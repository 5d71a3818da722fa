import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../lambda/model/digest';

const ROOT = join(__dirname, '..', '..');

function report(args: string[]) {
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [
      'bin/cli.ts',
      'report',
      '--snapshot',
      'sample/fleet.json',
      '--config',
      'sample/janitor.yaml',
      ...args,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: ROOT, AWS_EC2_METADATA_DISABLED: 'true' },
    },
  );
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const BYTE_FIELDS = ['storedBytes', 'reclaimableBytes', 'bloatBytes', 'wastedBytes'] as const;

describe('report on the bundled sample fleet', () => {
  const digest = JSON.parse(report(['--format', 'json'])) as Digest;

  it('prints the JSON contract, with integer byte figures and no NaN', () => {
    expect(digest.dryRun).toBe(true);
    expect(digest.partial).toBe(false);
    expect(typeof digest.generatedAt).toBe('string');
    for (const holder of [digest.totals, ...digest.repositories]) {
      for (const field of BYTE_FIELDS) expect(Number.isInteger(holder[field])).toBe(true);
      expect(Number.isFinite(holder.monthlyCostUsd)).toBe(true);
    }
    expect(Array.isArray(digest.plan.deletions)).toBe(true);
    expect(Array.isArray(digest.plan.protected)).toBe(true);
    expect(Array.isArray(digest.plan.lifecyclePolicies)).toBe(true);
    expect(Array.isArray(digest.warnings)).toBe(true);
  });

  it('ranks repositories by wasted bytes, largest first, and totals add up', () => {
    const wasted = digest.repositories.map((r) => r.wastedBytes);
    expect(wasted).toEqual([...wasted].sort((a, b) => b - a));
    for (const field of BYTE_FIELDS) {
      const sum = digest.repositories.reduce((total, r) => total + r[field], 0);
      expect(digest.totals[field]).toBe(sum);
    }
    const snapshot = JSON.parse(readFileSync(join(ROOT, 'sample', 'fleet.json'), 'utf8'));
    expect(digest.repositories.map((r) => r.name).sort()).toEqual(
      snapshot.repositories.map((r: { name: string }) => r.name).sort(),
    );
  });

  it('measures bloat from the layer contents of the images built from real archives', () => {
    const demo = digest.repositories.find((r) => r.name === 'tools/dive-demo');
    expect(demo?.bloatBytes).toBeGreaterThan(0);
    expect(digest.analysedShare).toBeGreaterThan(0);
    expect(demo?.tips.some((tip) => tip.basis === 'measured')).toBe(true);
  });

  it('keeps the image an ECS service pins by digest, and says why', () => {
    const pinned = digest.plan.protected.filter((p) => p.repository === 'shop/api');
    expect(pinned.some((p) => p.reasons.some((r) => r.code === 'in-use'))).toBe(true);
    const deleted = new Set(digest.plan.deletions.map((d) => d.imageDigest));
    for (const image of pinned) expect(deleted.has(image.imageDigest)).toBe(false);
  });

  it('warns about the lifecycle policy that matches nothing', () => {
    expect(digest.warnings).toContainEqual(
      expect.objectContaining({ code: 'policy-matches-nothing', repository: 'legacy/reports' }),
    );
  });

  it('says DRY RUN at the top of the terminal digest', () => {
    const text = report([]);
    expect(text.split('\n').slice(0, 3).join('\n')).toContain('DRY RUN');
  });

  it('judges ages at the snapshot scan time unless --now is given', () => {
    const later = JSON.parse(
      report(['--format', 'json', '--now', '2027-06-01T00:00:00Z']),
    ) as Digest;
    expect(digest.now).toBe('2026-11-30T06:00:00.000Z');
    expect(later.plan.deletions.length).toBeGreaterThan(digest.plan.deletions.length);
  });
});
