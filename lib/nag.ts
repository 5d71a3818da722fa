/**
 * Acknowledged cdk-nag (AwsSolutions) findings, each with the reason it is
 * acceptable here. Wildcard findings are acknowledged one resource at a
 * time, named exactly as cdk-nag names them, so a new wildcard that creeps
 * into the policy still fails `cdk synth`.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import type { JanitorConfig } from '../lambda/config/schema';
import { anyFunctionArn, repositoryArn } from './permissions';

export interface NagSubjects {
  role: iam.IRole;
  schedulerRole: iam.IRole;
  function: lambda.IFunction;
  bucket: s3.IBucket;
  config: JanitorConfig;
}

/** The finding id cdk-nag gives a wildcard resource, e.g. `AwsSolutions-IAM5[Resource::*]`. */
function wildcardId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

function acknowledgeWildcard(
  scope: IConstruct,
  on: IConstruct,
  resource: string,
  reason: string,
): void {
  Validations.of(on).acknowledge({ id: wildcardId(scope, resource), reason });
}

export function acknowledgeFindings(scope: IConstruct, subjects: NagSubjects): void {
  const { role, schedulerRole, bucket, config } = subjects;

  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ecr:GetAuthorizationToken, lambda:ListFunctions, ecs:ListClusters, ecs:ListTaskDefinitions and ecs:DescribeTaskDefinition have no resource type; the other ECS reads (services, tasks) and the EventBridge rule and schedule reads must see every cluster, rule and schedule to find images in use. All are read-only.',
  });
  const scopeIsEverything = config.mode === 'enforce' && config.repositories.includes('*');
  acknowledgeWildcard(
    scope,
    role,
    repositoryArn(scope, '*'),
    scopeIsEverything
      ? 'Read-only ECR actions on every repository of this account and region, so the scan sees all of them; delete is granted here too because the deployment chose every repository as its scope (repositories: ["*"]).'
      : 'Read-only ECR actions on every repository of this account and region, so the scan can list them all and then keep the ones in scope.',
  );
  acknowledgeWildcard(
    scope,
    role,
    anyFunctionArn(scope),
    'Read-only Lambda actions on every function, to find container images used by functions.',
  );
  acknowledgeWildcard(
    scope,
    role,
    bucket.arnForObjects('*'),
    'Get and put (never delete) on objects of the janitor own bucket, whose keys are content digests and run ids not known at deploy time.',
  );
  if (config.mode === 'enforce') {
    for (const pattern of new Set([...config.repositories, ...config.excludeRepositories])) {
      if (!pattern.includes('*') || pattern === '*') continue;
      acknowledgeWildcard(
        scope,
        role,
        repositoryArn(scope, pattern),
        `The repository pattern "${pattern}" of the deployment scope, as an ARN: delete is allowed (or, for an exclusion, denied) on the repositories it matches and nowhere else.`,
      );
    }
  }

  acknowledgeWildcard(
    scope,
    schedulerRole,
    `${subjects.function.functionArn}:*`,
    'Added by the Scheduler Lambda target: the schedule may invoke the janitor function and its versions, nothing else.',
  );
  Validations.of(subjects.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime the bundle is built and tested for (esbuild target node22); it is a supported LTS runtime.',
  });
}
