/** The configuration: defaults, overrides, and errors that name the field, the value and the fix. */
import { join } from 'node:path';
import { loadConfigFile } from '../../lambda/config/load';
import { rulesFor } from '../../lambda/config/rules';
import { parseConfig } from '../../lambda/config/schema';
import { ConfigError } from '../../lambda/errors';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'config', name);

describe('configuration', () => {
  it('defaults to report mode, 14-day untagged expiry, common protect patterns and 500 deletions per run', () => {
    const config = parseConfig({});
    expect(config.mode).toBe('report');
    expect(config.rules).toEqual({
      untaggedDays: 14,
      keepLast: [],
      stale: null,
      protectTags: ['latest', 'prod*', 'release*', 'stable'],
    });
    expect(config.maxDeletionsPerRun).toBe(500);
    expect(config.manageLifecyclePolicies).toBe(false);
    expect(config.pricePerGbMonthUsd).toBe(0.1);
  });

  it('reads the README example file', async () => {
    const config = await loadConfigFile(fixture('example.yaml'));
    expect(rulesFor(config, 'ml/train')).toMatchObject({
      untaggedDays: 3,
      keepLast: [{ tagPattern: '*', count: 5 }],
      stale: { olderThanDays: 180, notPulledDays: 90 },
      protectTags: ['latest', 'prod*', 'release-*', 'stable'],
    });
    expect(rulesFor(config, 'web/api')).toEqual(config.rules);
  });

  it('merges an override over the base rules without resetting the fields it does not set', () => {
    const config = parseConfig({
      rules: { untaggedDays: 30, protectTags: ['keep-*'] },
      overrides: [{ repositories: ['tmp/*'], rules: { untaggedDays: 1 } }],
    });
    expect(rulesFor(config, 'tmp/x')).toMatchObject({ untaggedDays: 1, protectTags: ['keep-*'] });
  });

  it.each([
    [
      'an unknown field',
      'unknown-field.yaml',
      'maxDeletionPerRun: unknown field (received 10); fix: remove it or correct its spelling; the fields allowed here are mode, repositories, excludeRepositories, rules, overrides, maxDeletionsPerRun,',
      'maxDeletionPerRun',
    ],
    [
      'a negative count',
      'negative-count.json',
      'rules.keepLast.0.count: Too small: expected number to be >=1 (received -3); fix: use a whole number of at least 1',
      'rules.keepLast.0.count',
    ],
    [
      'a pattern with five "*"',
      'five-wildcards.yaml',
      'rules.protectTags.0: a tag pattern may contain at most four "*" wildcards (the ECR lifecycle limit) (received "a*b*c*d*e*f"); fix: use fewer "*", or split it into several patterns',
      'rules.protectTags.0',
    ],
  ])('refuses %s with the field, the value and the fix', async (_, file, line, path) => {
    const error = await loadConfigFile(fixture(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      `invalid configuration file ${fixture(file)}:`,
    );
    expect((error as ConfigError).message).toContain(line);
    expect((error as ConfigError).path).toBe(path);
  });

  it('lists every problem at once', () => {
    expect(() =>
      parseConfig({
        mode: 'delete',
        rules: { untaggedDays: 0, keepLast: [{ tagPattern: '', count: 1 }] },
      }),
    ).toThrow(
      [
        'invalid configuration:',
        '  mode: Invalid option: expected one of "report"|"enforce" (received "delete"); fix: use one of "report", "enforce"',
        '  rules.untaggedDays: Too small: expected number to be >=1 (received 0); fix: use a whole number of at least 1',
        '  rules.keepLast.0.tagPattern: a tag pattern cannot be empty (received ""); fix: give a non-empty value',
      ].join('\n'),
    );
  });
});

describe('the wording of a fix', () => {
  it.each([
    [
      { pricePerGbMonthUsd: -1 },
      'pricePerGbMonthUsd: Too small: expected number to be >=0 (received -1); fix: use a number of at least 0',
    ],
    [
      { rules: { untaggedDays: '14' } },
      'rules.untaggedDays: expected number (received "14"); fix: give a number, written without quotes',
    ],
    [
      { maxDeletionsPerRun: 1.5 },
      'maxDeletionsPerRun: expected a whole number (received 1.5); fix: give a whole number, written without quotes',
    ],
  ])('fits the field: %j', (input, line) => {
    expect(() => parseConfig(input)).toThrow(line);
  });
});
