import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { policyStatements, repositoryArn, synthJanitor } from './synth';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:slack-token-AbCdEf';

/** Actions that change something, as opposed to describe, list and get calls. */
function isMutating(action: string): boolean {
  return !/^[a-z0-9-]+:(Describe|List|Get|BatchGet)/.test(action);
}

describe('the schedule', () => {
  it('runs nightly at 03:00 UTC by default', () => {
    const { template } = synthJanitor();

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('reads cron fields in the given IANA time zone', () => {
    const { template } = synthJanitor({
      schedule: { hour: '2', minute: '30', weekDay: 'MON-FRI', timeZone: 'Europe/Berlin' },
    });

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('takes a whole expression and can be deployed switched off', () => {
    const { template } = synthJanitor({
      schedule: { expression: 'rate(12 hours)', enabled: false },
    });

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(12 hours)',
      State: 'DISABLED',
    });
  });

  it('retries delivery to the function and parks what still fails in an encrypted, TLS-only queue', () => {
    const { template, stack, janitor } = synthJanitor();
    const queueArn = stack.resolve(janitor.deadLetterQueue.queueArn);

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: {
        Arn: stack.resolve(janitor.function.functionArn),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: queueArn },
        Input: Match.serializedJson({
          source: 'ecr-janitor.schedule',
          scheduledTime: '<aws.scheduler.scheduled-time>',
          executionId: '<aws.scheduler.execution-id>',
        }),
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: queueArn },
    });
  });
});

describe('the function', () => {
  it('is an arm64 Node.js 22 function with 1024 MB and 15 minutes by default', () => {
    const { template } = synthJanitor();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 900,
      Handler: 'index.handler',
    });
  });

  it('takes memory and timeout from props', () => {
    const { template } = synthJanitor({ memorySize: 2048, timeout: Duration.minutes(10) });

    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 600 });
  });

  it('carries the validated configuration, bucket and Slack secret in its environment', () => {
    const { template, stack, janitor } = synthJanitor((scope) => ({
      mode: 'enforce',
      repositories: ['team-a/*'],
      config: { rules: { untaggedDays: 7 }, maxDeletionsPerRun: 50 },
      slack: {
        channel: '#platform',
        tokenSecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'Token', SECRET_ARN),
      },
    }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    const variables = fn.Properties.Environment.Variables;
    const config = JSON.parse(variables.JANITOR_CONFIG);

    expect(config).toMatchObject({
      mode: 'enforce',
      repositories: ['team-a/*'],
      maxDeletionsPerRun: 50,
      rules: { untaggedDays: 7, protectTags: ['latest', 'prod*', 'release*', 'stable'] },
      notify: { slack: { channel: '#platform' } },
    });
    expect(variables.JANITOR_BUCKET).toEqual(stack.resolve(janitor.bucket.bucketName));
    expect(variables.JANITOR_SLACK_TOKEN_SECRET_ARN).toBe(SECRET_ARN);
    expect(variables.JANITOR_REPORT_LINK_EXPIRY_SECONDS).toBe('604800');
    expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('EcrJanitor');
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('ecr-janitor');
  });

  it('keeps its logs for three months by default', () => {
    const { template } = synthJanitor();

    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it("registers the function's role in ECR's pull-time update exclusions", () => {
    const { template, stack, janitor } = synthJanitor();

    template.hasResourceProperties('AWS::ECR::PullTimeUpdateExclusion', {
      PrincipalArn: stack.resolve(janitor.role.roleArn),
    });
  });
});

describe('least privilege', () => {
  it.each([
    ['report', {}],
    ['enforce', { mode: 'enforce' as const, repositories: ['team-a/*'] }],
  ])('grants no mutating action on "*" (%s mode)', (_mode, props) => {
    const { template } = synthJanitor((scope) => ({
      ...props,
      email: { from: 'janitor@example.com', to: ['team@example.com'] },
      slack: {
        channel: '#platform',
        tokenSecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'Token', SECRET_ARN),
      },
    }));
    const statements = policyStatements(template);

    const mutatingOnStar = statements.filter(
      (s) => s.Effect === 'Allow' && s.Resource.includes('*') && s.Action.some(isMutating),
    );
    expect(mutatingOnStar).toEqual([]);
    expect(statements.flatMap((s) => s.Action).some((a) => a.endsWith('*'))).toBe(false);
  });

  it('grants no delete and no lifecycle permission in report mode', () => {
    const { template } = synthJanitor({ config: { manageLifecyclePolicies: true } });
    const actions = policyStatements(template).flatMap((s) => s.Action);

    expect(actions).not.toContain('ecr:BatchDeleteImage');
    expect(actions).not.toContain('ecr:PutLifecyclePolicy');
    expect(actions).toEqual(expect.arrayContaining(['ecr:DescribeImages', 'ecr:BatchGetImage']));
  });

  it('may read EventBridge rules and schedules, to find scheduled ECS tasks, and nothing more of them', () => {
    const { template } = synthJanitor();
    const actions = policyStatements(template).flatMap((s) => s.Action);
    const scheduling = actions.filter((a) => /^(events|scheduler):/.test(a));
    expect(scheduling.sort()).toEqual([
      'events:ListEventBuses',
      'events:ListRules',
      'events:ListTargetsByRule',
      'scheduler:GetSchedule',
      'scheduler:ListSchedules',
    ]);
  });

  it('grants delete in enforce mode on the in-scope repositories only, and denies it on exclusions', () => {
    const { template } = synthJanitor({
      mode: 'enforce',
      repositories: ['team-a/*', 'web'],
      excludeRepositories: ['team-a/keep-*'],
    });
    const statements = policyStatements(template);
    const deleting = statements.filter((s) => s.Action.includes('ecr:BatchDeleteImage'));

    expect(deleting).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['ecr:BatchDeleteImage'],
        Resource: [repositoryArn('team-a/*'), repositoryArn('web')],
      }),
      expect.objectContaining({
        Effect: 'Deny',
        Action: ['ecr:BatchDeleteImage'],
        Resource: [repositoryArn('team-a/keep-*')],
      }),
    ]);
    expect(statements.flatMap((s) => s.Action)).not.toContain('ecr:PutLifecyclePolicy');
  });

  it('grants PutLifecyclePolicy in enforce mode only when the janitor manages lifecycle policies', () => {
    const { template } = synthJanitor({
      mode: 'enforce',
      repositories: ['web'],
      config: { manageLifecyclePolicies: true },
    });

    const allowing = policyStatements(template).find((s) =>
      s.Action.includes('ecr:PutLifecyclePolicy'),
    );
    expect(allowing).toMatchObject({
      Effect: 'Allow',
      Action: ['ecr:BatchDeleteImage', 'ecr:PutLifecyclePolicy'],
      Resource: [repositoryArn('web')],
    });
  });

  it('lets the function send email only from the configured sender', () => {
    const { template } = synthJanitor({
      email: { from: 'janitor@example.com', to: ['team@example.com'] },
    });

    const sending = policyStatements(template).filter((s) =>
      s.Action.some((a) => a.startsWith('ses:')),
    );
    expect(sending).toHaveLength(1);
    expect(sending[0]).toMatchObject({
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Condition: { StringEquals: { 'ses:FromAddress': 'janitor@example.com' } },
    });
    expect(JSON.stringify(sending[0].Resource)).toContain('identity/janitor@example.com');
  });

  it('lets the function read the Slack secret, and that one secret only', () => {
    const { template } = synthJanitor((scope) => ({
      slack: {
        channel: '#platform',
        tokenSecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'Token', SECRET_ARN),
      },
    }));

    const reading = policyStatements(template).filter((s) =>
      s.Action.some((a) => a.startsWith('secretsmanager:')),
    );
    expect(reading).toEqual([
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [SECRET_ARN],
      }),
    ]);
  });

  it('never lets the function delete objects from its bucket (the audit log stays)', () => {
    const { template } = synthJanitor({ mode: 'enforce' });

    const actions = policyStatements(template).flatMap((s) => s.Action);
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
  });
});

describe('the bucket', () => {
  it('is encrypted, versioned, closed to the public and TLS-only', () => {
    const { template } = synthJanitor();

    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires caches and reports but never the audit log or run summaries', () => {
    const { template } = synthJanitor({ reportExpiration: Duration.days(30) });
    const bucket = Object.values(template.findResources('AWS::S3::Bucket'))[0];
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];

    const expiring = rules.filter((rule) => rule.ExpirationInDays !== undefined);
    expect(expiring.map((rule) => [rule.Prefix, rule.ExpirationInDays])).toEqual([
      ['cache/', 60],
      ['reports/', 30],
    ]);
    expect(rules.filter((r) => r.ExpirationInDays && r.Prefix === undefined)).toEqual([]);
  });

  it('is kept when the stack is deleted', () => {
    const { template } = synthJanitor();

    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('alarms', () => {
  it('alarm on function errors, delivery failures and dead letters, notifying the topic', () => {
    const { template } = synthJanitor((scope) => ({
      alarmTopic: new sns.Topic(scope, 'Alarms', { enforceSSL: true }),
    }));
    const topic = { Ref: Match.stringLikeRegexp('^Alarms') };

    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryFailures',
      Namespace: 'EcrJanitor',
      Statistic: 'Sum',
      Dimensions: Match.arrayWith([{ Name: 'service', Value: 'ecr-janitor' }]),
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      AlarmActions: [topic],
    });
  });

  it('publishes delivery failures under the dimension the alarm watches', () => {
    const { template } = synthJanitor();
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    const deployment = fn.Properties.Environment.Variables.JANITOR_DEPLOYMENT;

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryFailures',
      Dimensions: Match.arrayWith([{ Name: 'deployment', Value: deployment }]),
    });
  });
});
