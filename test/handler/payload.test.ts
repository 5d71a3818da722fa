import { parseInvocation, PayloadError } from '../../lambda/handler/payload';
import { deployedConfig } from './fixtures';

const clock = () => new Date('2026-12-03T10:00:00Z');
const report = deployedConfig({ repositories: ['team-a/*', 'web'] });
const enforce = deployedConfig({
  mode: 'enforce',
  repositories: ['team-a/*', 'web'],
  rules: { untaggedDays: 10, protectTags: ['golden'] },
  externalReferences: ['team-a/api:pinned'],
});
const scheduled = {
  source: 'ecr-janitor.schedule',
  scheduledTime: '2026-12-03T03:00:00Z',
  executionId: 'a1b2',
};

describe('scheduled events', () => {
  it.each([
    ['report', report, true],
    ['enforce', enforce, false],
  ])('run with the deployment mode (%s)', (_mode, config, dryRun) => {
    const invocation = parseInvocation(scheduled, config, clock);

    expect(invocation).toEqual({
      trigger: 'schedule',
      dryRun,
      notify: true,
      now: new Date('2026-12-03T03:00:00Z'),
      config,
    });
  });

  it('accept an EventBridge rule event, judged at its time', () => {
    const event = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2026-12-03T03:00:00Z',
      detail: {},
    };

    expect(parseInvocation(event, enforce, clock)).toMatchObject({
      trigger: 'schedule',
      dryRun: false,
      now: new Date('2026-12-03T03:00:00Z'),
    });
  });

  it('reject a schedule payload without a valid time', () => {
    expect(() =>
      parseInvocation({ ...scheduled, scheduledTime: 'tonight' }, enforce, clock),
    ).toThrow(/scheduledTime: .*\(received "tonight"\)/);
  });
});

describe('manual payloads', () => {
  it('default to a dry run now, with delivery, in report mode', () => {
    expect(parseInvocation({}, report, clock)).toEqual({
      trigger: 'manual',
      dryRun: true,
      notify: true,
      now: clock(),
      config: report,
    });
  });

  it('treat an empty invocation (no payload) as {}', () => {
    expect(parseInvocation(null, report, clock)).toMatchObject({ trigger: 'manual', dryRun: true });
  });

  it.each([
    [{}, false],
    [{ dryRun: false }, false],
    [{ dryRun: true }, true],
  ])('enforce in an enforce deployment unless they say dryRun (%j)', (payload, dryRun) => {
    expect(parseInvocation(payload, enforce, clock).dryRun).toBe(dryRun);
  });

  it('may not ask a report-mode deployment to enforce', () => {
    expect(() => parseInvocation({ dryRun: false }, report, clock)).toThrow(
      /dryRun false asks to delete images, but this deployment runs in report mode/,
    );
  });

  it('judge ages at the given instant and can switch delivery off', () => {
    const invocation = parseInvocation(
      { now: '2027-01-31T00:00:00Z', notify: false },
      report,
      clock,
    );

    expect(invocation.now).toEqual(new Date('2027-01-31T00:00:00Z'));
    expect(invocation.notify).toBe(false);
  });

  it('narrow the scope to repositories inside the deployed one', () => {
    const invocation = parseInvocation(
      { repositories: ['team-a/api', 'team-a/web-*', 'web'] },
      enforce,
      clock,
    );

    expect(invocation.config.repositories).toEqual(['team-a/api', 'team-a/web-*', 'web']);
    expect(invocation.config.mode).toBe('enforce');
  });

  it('merge rule changes field by field, keeping the deployed protections', () => {
    const invocation = parseInvocation(
      {
        config: {
          rules: { untaggedDays: 3 },
          maxDeletionsPerRun: 5,
          externalReferences: ['web:canary'],
        },
      },
      enforce,
      clock,
    );

    expect(invocation.config.rules).toMatchObject({ untaggedDays: 3, protectTags: ['golden'] });
    expect(invocation.config.maxDeletionsPerRun).toBe(5);
    expect(invocation.config.externalReferences).toEqual(['team-a/api:pinned', 'web:canary']);
  });

  it.each<[string, unknown, RegExp]>([
    ['a misspelt field', { dryrun: true }, / {2}dryrun: unknown field \(received true\)/],
    ['a string for dryRun', { dryRun: 'yes' }, /dryRun: .*\(received "yes"\)/],
    ['a time that is not ISO-8601', { now: 'yesterday' }, /now: .*\(received "yesterday"\)/],
    ['an empty repository list', { repositories: [] }, /repositories: .*\(received \[\]\)/],
    [
      'a repository list given as text',
      { repositories: 'web' },
      /repositories: .*\(received "web"\)/,
    ],
    [
      'a repository outside the deployed scope',
      { repositories: ['team-b/api'] },
      /repositories entry "team-b\/api" is outside this deployment's scope \["team-a\/\*","web"\]/,
    ],
    [
      'a pattern wider than the deployed scope',
      { repositories: ['team-*'] },
      /repositories entry "team-\*" is outside this deployment's scope/,
    ],
    [
      'a configuration field a run may not change',
      { config: { mode: 'enforce' } },
      /config: only rules, overrides, maxDeletionsPerRun, externalReferences, pricePerGbMonthUsd, analysis may be changed/,
    ],
    [
      'a rule the schema rejects',
      { config: { rules: { untaggedDays: -1 } } },
      /rules\.untaggedDays: .*\(received -1\)/,
    ],
    ['a payload that is not an object', 'run please', /\(payload\): .*\(received "run please"\)/],
  ])('reject %s, naming the field and the value', (_case, payload, message) => {
    let thrown: unknown;
    try {
      parseInvocation(payload, enforce, clock);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(PayloadError);
    expect((thrown as Error).message).toMatch(message);
  });
});
