/** Builds an EcrJanitor in a fresh app and stack, for template assertions. */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcrJanitor, type EcrJanitorProps } from '../../lib/ecr-janitor';

export const ENV = { account: '111111111111', region: 'eu-west-1' };

export interface Synthesized {
  app: App;
  stack: Stack;
  janitor: EcrJanitor;
  template: Template;
}

export function synthJanitor(
  props: EcrJanitorProps | ((stack: Stack) => EcrJanitorProps) = {},
  options: { nag?: boolean; bundle?: boolean } = {},
): Synthesized {
  // Bundling is skipped unless asked for: one test bundles for real, the
  // others assert on the template and need no code asset.
  const app = new App(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: ENV });
  const janitor = new EcrJanitor(
    stack,
    'Janitor',
    typeof props === 'function' ? props(stack) : props,
  );
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, janitor, template: Template.fromStack(stack) };
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
  Sid?: string;
}

/** Every statement of every IAM policy in the template, actions as arrays. */
export function policyStatements(
  template: Template,
): (Statement & { Action: string[]; Resource: unknown[] })[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      ...statement,
      Action: [statement.Action].flat(),
      Resource: [statement.Resource].flat(),
    })),
  );
}

/** ECR repository ARN as the template writes it. */
export function repositoryArn(pattern: string) {
  return {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, `:ecr:eu-west-1:111111111111:repository/${pattern}`],
    ],
  };
}
