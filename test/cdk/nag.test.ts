import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { EcrJanitorProps } from '../../lib/ecr-janitor';
import { synthJanitor } from './synth';
import type { Stack } from 'aws-cdk-lib';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:slack-token-AbCdEf';

/** Synthesizes with AwsSolutionsChecks; an unacknowledged finding fails synth with the list. */
function nagFindings(props: (stack: Stack) => EcrJanitorProps): string {
  try {
    const { stack } = synthJanitor(props, { nag: true });
    const annotations = Annotations.fromStack(stack);
    return [
      ...annotations.findError('*', Match.anyValue()),
      ...annotations.findWarning('*', Match.anyValue()),
    ]
      .map((a) => `${a.id}: ${JSON.stringify(a.entry.data)}`)
      .join('\n');
  } catch (error) {
    return (error as Error).message;
  }
}

describe("cdk-nag's AwsSolutions checks", () => {
  it.each<[string, (stack: Stack) => EcrJanitorProps]>([
    ['the defaults', () => ({})],
    [
      'enforce mode on some repositories, with exclusions',
      () => ({
        mode: 'enforce',
        repositories: ['team-a/*', 'web', 'batch-*-jobs'],
        excludeRepositories: ['team-a/keep-*'],
        config: { manageLifecyclePolicies: true },
      }),
    ],
    ['enforce mode on every repository', () => ({ mode: 'enforce' })],
    [
      'Slack, email and an alarm topic',
      (stack) => ({
        slack: {
          channel: '#platform',
          tokenSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', SECRET_ARN),
        },
        email: { from: 'janitor@example.com', to: ['team@example.com'] },
        alarmTopic: sns.Topic.fromTopicArn(
          stack,
          'Alarms',
          'arn:aws:sns:eu-west-1:111111111111:alarms',
        ),
      }),
    ],
    [
      'a Slack secret named rather than fully addressed',
      (stack) => ({
        slack: {
          channel: '#platform',
          tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'slack-token'),
        },
      }),
    ],
  ])('leave no unacknowledged finding with %s', (_case, props) => {
    expect(nagFindings(props)).toBe('');
  });

  it('fails synth on a finding nobody acknowledged (the check is live)', () => {
    const findings = nagFindings((stack) => {
      new s3.Bucket(stack, 'Unlogged');
      return {};
    });

    expect(findings).toMatch(/AwsSolutions-S1/);
    expect(findings).toMatch(/AwsSolutions-S10/);
  });

  it('acknowledges each wildcard by name, with a reason', () => {
    const { stack } = synthJanitor({ mode: 'enforce', repositories: ['team-a/*', 'web'] });
    const acknowledged = Object.fromEntries(
      stack.node
        .findAll()
        .flatMap((node) => node.node.metadata)
        .map((entry) => entry.data as Record<string, unknown>)
        .filter((data) => data && typeof data === 'object')
        .flatMap((data) => Object.entries(data))
        .filter(([key]) => key.startsWith('Annotation::AwsSolutions-'))
        .map(([key, reason]) => [key.replace('Annotation::', ''), reason]),
    );

    expect(Object.keys(acknowledged).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<JanitorBucket0B3C1C93.Arn>/*]',
      'AwsSolutions-IAM5[Resource::<JanitorFunction820277F8.Arn>:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:eu-west-1:111111111111:repository/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:eu-west-1:111111111111:repository/team-a/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:eu-west-1:111111111111:function:*]',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
    ]);
    for (const reason of Object.values(acknowledged)) {
      expect(String(reason).length).toBeGreaterThan(40);
    }
  });
});
