/**
 * The janitor's IAM policy, statement by statement. Reading is allowed
 * broadly (a scan must see every repository and every workload that might
 * use an image); changing anything is allowed only in enforce mode and only
 * on the repositories in scope.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { JanitorConfig } from '../lambda/config/schema';

export const ECR_READ_ACTIONS = [
  'ecr:DescribeRepositories',
  'ecr:DescribeImages',
  'ecr:ListImages',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:GetLifecyclePolicy',
];
export const ECS_READ_ACTIONS = [
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
];
/** Where scheduled ECS tasks are found: EventBridge rules and Scheduler schedules. */
export const SCHEDULE_READ_ACTIONS = [
  'events:ListEventBuses',
  'events:ListRules',
  'events:ListTargetsByRule',
  'scheduler:ListSchedules',
  'scheduler:GetSchedule',
];
export const LAMBDA_READ_ACTIONS = [
  'lambda:ListFunctions',
  'lambda:GetFunction',
  'lambda:ListVersionsByFunction',
  'lambda:ListAliases',
];

/** A repository name pattern as an ARN; ECR's `*` and IAM's `*` both match any run of characters. */
export function repositoryArn(scope: IConstruct, pattern: string): string {
  return Stack.of(scope).formatArn({
    service: 'ecr',
    resource: 'repository',
    resourceName: pattern,
  });
}

/** Every Lambda function of the account and region. */
export function anyFunctionArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export function readStatements(scope: IConstruct): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadRepositories',
      actions: ECR_READ_ACTIONS,
      resources: [repositoryArn(scope, '*')],
    }),
    new iam.PolicyStatement({
      sid: 'RegistryToken',
      // GetAuthorizationToken has no resource type: it is granted on "*" or not at all.
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadEcsWorkloads',
      // These list and describe calls take no resource ARN, or ARNs of every
      // cluster, service and task definition, which the scan must all see.
      actions: ECS_READ_ACTIONS,
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadScheduledTasks',
      // Listing rules, their targets and schedules must see every one of them.
      actions: SCHEDULE_READ_ACTIONS,
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ListLambdaFunctions',
      actions: ['lambda:ListFunctions'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadLambdaFunctions',
      actions: LAMBDA_READ_ACTIONS.filter((action) => action !== 'lambda:ListFunctions'),
      resources: [anyFunctionArn(scope)],
    }),
  ];
}

/** Delete (and policy) permissions on the repositories in scope; empty unless enforcing. */
export function enforceStatements(scope: IConstruct, config: JanitorConfig): iam.PolicyStatement[] {
  if (config.mode !== 'enforce') return [];
  const actions = ['ecr:BatchDeleteImage'];
  if (config.manageLifecyclePolicies) actions.push('ecr:PutLifecyclePolicy');
  const statements = [
    new iam.PolicyStatement({
      sid: 'CleanRepositoriesInScope',
      actions,
      resources: config.repositories.map((pattern) => repositoryArn(scope, pattern)),
    }),
  ];
  if (config.excludeRepositories.length) {
    // An explicit deny wins over the allow above, so an excluded repository
    // stays untouchable even when an include pattern also matches it.
    statements.push(
      new iam.PolicyStatement({
        sid: 'NeverCleanExcludedRepositories',
        effect: iam.Effect.DENY,
        actions,
        resources: config.excludeRepositories.map((pattern) => repositoryArn(scope, pattern)),
      }),
    );
  }
  return statements;
}

/** SES sending, only with the configured sender as the From address. */
export function emailStatements(
  scope: IConstruct,
  email: { from: string; to: string[] } | undefined,
): iam.PolicyStatement[] {
  if (!email) return [];
  const stack = Stack.of(scope);
  const domain = email.from.split('@')[1];
  // SES checks the identity that verified the sender (the address itself or
  // its domain) and, while the account is in the sandbox, the recipients too.
  const names = [...new Set([email.from, domain, ...email.to])];
  const identities = names.map((identity) =>
    stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
  );
  return [
    new iam.PolicyStatement({
      sid: 'SendDigestEmail',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: identities,
      conditions: { StringEquals: { 'ses:FromAddress': email.from } },
    }),
  ];
}
