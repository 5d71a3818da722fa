/** The stack `npx cdk deploy` creates: one EcrJanitor, configured from CDK context. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { propsFromContext } from './context';
import { EcrJanitor, type EcrJanitorProps } from './ecr-janitor';

export interface EcrJanitorStackProps extends StackProps {
  /** @default - read from CDK context (see the README's "Deploying with the CDK") */
  readonly janitor?: EcrJanitorProps;
}

export class EcrJanitorStack extends Stack {
  readonly janitor: EcrJanitor;

  constructor(scope: Construct, id: string, props: EcrJanitorStackProps = {}) {
    super(scope, id, {
      description: 'ecr-janitor: finds wasted ECR storage, cleans up what is safe, sends a digest',
      ...props,
    });
    this.janitor = new EcrJanitor(this, 'Janitor', props.janitor ?? propsFromContext(this));

    new CfnOutput(this, 'FunctionName', {
      value: this.janitor.function.functionName,
      description: 'Invoke this for manual runs (aws lambda invoke --function-name …)',
    });
    new CfnOutput(this, 'BucketName', {
      value: this.janitor.bucket.bucketName,
      description: 'Caches, run summaries, full reports (reports/) and the audit log',
    });
    new CfnOutput(this, 'Mode', { value: this.janitor.config.mode });
  }
}
