import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcrJanitorStack } from '../../lib/ecr-janitor-stack';

function stackWith(context: Record<string, unknown>, bundle = false) {
  const app = new App({
    context: bundle ? context : { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new EcrJanitorStack(app, 'EcrJanitor');
  return { stack, template: Template.fromStack(stack) };
}

function functionConfig(template: Template) {
  const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
  return JSON.parse(fn.Properties.Environment.Variables.JANITOR_CONFIG);
}

/** Asset hashes change with every source edit; the snapshot is about the rest. */
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>$1'));
}

describe('the EcrJanitor stack', () => {
  it('matches the snapshot (asset hashes stripped)', () => {
    const { template } = stackWith({}, true);

    expect(withoutAssetHashes(template.toJSON())).toMatchSnapshot();
  });

  it('deploys a report-mode janitor on every repository when no context is given', () => {
    const { template } = stackWith({});

    expect(functionConfig(template)).toMatchObject({ mode: 'report', repositories: ['*'] });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
    });
    template.hasOutput('FunctionName', {});
    template.hasOutput('BucketName', {});
  });

  it('takes mode, scope, schedule, delivery and sizing from context', () => {
    const { template } = stackWith({
      mode: 'enforce',
      repositories: 'team-a/*, web',
      excludeRepositories: 'team-a/keep',
      schedule: 'cron(15 1 * * ? *)',
      timeZone: 'Europe/Berlin',
      slackChannel: '#platform',
      slackTokenSecretName: 'ecr-janitor/slack',
      emailFrom: 'janitor@example.com',
      emailTo: 'a@example.com,b@example.com',
      memorySize: '2048',
      timeoutMinutes: '10',
    });

    expect(functionConfig(template)).toMatchObject({
      mode: 'enforce',
      repositories: ['team-a/*', 'web'],
      excludeRepositories: ['team-a/keep'],
      notify: {
        slack: { channel: '#platform' },
        email: { from: 'janitor@example.com', to: ['a@example.com', 'b@example.com'] },
      },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 1 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 600 });
  });

  it('reads the retention configuration from the CLI configuration file named in context', () => {
    const folder = mkdtempSync(join(tmpdir(), 'janitor-config-'));
    const file = join(folder, 'janitor.yaml');
    writeFileSync(
      file,
      [
        'mode: enforce',
        'repositories: ["svc-*"]',
        'rules:',
        '  untaggedDays: 3',
        '  keepLast: [{ tagPattern: "v*", count: 20 }]',
        'notify:',
        '  topRepositories: 5',
        '  email: { from: janitor@example.com, to: [team@example.com] }',
      ].join('\n'),
    );

    const { template } = stackWith({ configFile: file, mode: 'report' });

    expect(functionConfig(template)).toMatchObject({
      mode: 'report',
      repositories: ['svc-*'],
      rules: { untaggedDays: 3, keepLast: [{ tagPattern: 'v*', count: 20 }] },
      notify: { topRepositories: 5, email: { from: 'janitor@example.com' } },
    });
  });

  it.each([
    [{ mode: 'delete' }, /mode must be "report" or "enforce", received "delete"/],
    [{ memorySize: 'lots' }, /memorySize must be a whole number .* received "lots"/],
    [{ slackChannel: '#platform' }, /slackChannel "#platform" needs slackTokenSecretName/],
    [{ emailFrom: 'janitor@example.com' }, /email needs both emailFrom and emailTo/],
    [
      { configFile: '/nonexistent/janitor.yaml' },
      /configFile "\/nonexistent\/janitor.yaml" cannot be read/,
    ],
    [{ timeZone: 'Mars/Olympus' }, /schedule\.timeZone "Mars\/Olympus" is not an IANA time zone/],
  ])('rejects bad context %j with a message naming it', (context, message) => {
    expect(() => stackWith(context)).toThrow(message);
  });
});
