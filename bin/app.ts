#!/usr/bin/env node
/**
 * The CDK app: one EcrJanitorStack, configured from context, with cdk-nag's
 * AwsSolutions checks run on every synth (an unacknowledged finding fails it).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcrJanitorStack } from '../lib/ecr-janitor-stack';

const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName');

new EcrJanitorStack(app, typeof stackName === 'string' && stackName ? stackName : 'EcrJanitor', {
  // Without an account and region the template stays environment-agnostic,
  // so `cdk synth` works on a fresh clone with no credentials.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
