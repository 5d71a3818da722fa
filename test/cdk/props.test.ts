import { App, Duration, Stack } from 'aws-cdk-lib';
import { EcrJanitor, type EcrJanitorProps } from '../../lib/ecr-janitor';

function build(props: EcrJanitorProps) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new EcrJanitor(new Stack(app, 'Test'), 'Janitor', props);
}

describe('EcrJanitor props are checked at synth time', () => {
  it.each<[string, EcrJanitorProps, RegExp]>([
    [
      'a time zone that is not IANA',
      { schedule: { timeZone: 'CEST' } },
      /schedule\.timeZone "CEST" is not an IANA time zone; use a name such as "UTC"/,
    ],
    [
      'an expression that is neither cron nor rate',
      { schedule: { expression: 'every night' } },
      /schedule\.expression "every night" is not a cron\(…\) or rate\(…\) expression/,
    ],
    [
      'an expression together with cron fields',
      { schedule: { expression: 'rate(1 day)', hour: '4' } },
      /cannot be combined with schedule\.hour/,
    ],
    [
      'day and weekDay together',
      { schedule: { day: '1', weekDay: 'MON' } },
      /schedule\.day "1" and schedule\.weekDay "MON" cannot both be set/,
    ],
    [
      'a cron field with stray characters',
      { schedule: { hour: '3 am' } },
      /schedule\.hour "3 am" is not a cron field/,
    ],
    [
      'too little memory',
      { memorySize: 128 },
      /memorySize 128 is out of range; give a whole number of MB from 256 to 10240/,
    ],
    [
      "a timeout beyond Lambda's limit",
      { timeout: Duration.minutes(20) },
      /timeout 20 minutes is out of range; give a value from 1 minute to 15 minutes/,
    ],
    [
      'a report link longer than SigV4 allows',
      { reportLinkExpiry: Duration.days(8) },
      /reportLinkExpiry 8 days is out of range/,
    ],
    [
      'mode inside config',
      { config: { mode: 'enforce' } as EcrJanitorProps['config'] },
      /config\.mode is a prop of its own; move "enforce" to props\.mode/,
    ],
    [
      'a Slack target inside config',
      { config: { notify: { slack: { channel: '#x' } } } as EcrJanitorProps['config'] },
      /config\.notify\.slack is a prop of its own; set props\.slack instead/,
    ],
    [
      'a rule the schema rejects',
      { config: { rules: { untaggedDays: 0 } } },
      /rules\.untaggedDays: .*\(received 0\)/,
    ],
    [
      'an unknown configuration field',
      { config: { retention: 3 } as EcrJanitorProps['config'] },
      /retention/,
    ],
    [
      'a repository pattern no ECR name can match',
      { repositories: ['Team-A/*'] },
      /repositories pattern "Team-A\/\*" holds characters ECR repository names cannot have/,
    ],
    [
      'a sender that is not an address',
      { email: { from: 'janitor', to: ['team@example.com'] } },
      /notify\.email\.from: .*\(received "janitor"\)/,
    ],
  ])('rejects %s, echoing the value and the fix', (_case, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it('rejects a configuration too large for the function environment', () => {
    const overrides = Array.from({ length: 60 }, (_, i) => ({
      repositories: [`service-number-${i}-*`],
      rules: { untaggedDays: 3 },
    }));

    expect(() => build({ config: { overrides } })).toThrow(
      /bytes as JSON, more than the 3000 that fit in the function's environment/,
    );
  });

  it('fills in the defaults: report mode, every repository, the schema rules', () => {
    const janitor = build({});

    expect(janitor.config).toMatchObject({
      mode: 'report',
      repositories: ['*'],
      excludeRepositories: [],
      rules: { untaggedDays: 14 },
    });
  });
});
