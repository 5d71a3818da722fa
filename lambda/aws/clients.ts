/**
 * AWS clients, created once per process (once per Lambda container). They
 * use the SDK's adaptive retry mode, which backs off with jitter on
 * throttling; `AWS_ENDPOINT_URL`, `AWS_REGION` and profiles are honoured as
 * the SDK defines them.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CredentialsError } from '../errors';

export interface ClientOptions {
  region?: string;
  profile?: string;
  /** Attempts per call, retries included. @default 8 */
  maxAttempts?: number;
  /** A call that sends nothing back for this long fails (and is retried). @default 30000 */
  requestTimeoutMs?: number;
  /** Endpoint override; the SDK's own `AWS_ENDPOINT_URL` works without it. */
  endpoint?: string;
}

export interface AwsClients {
  ecr: ECRClient;
  ecs: ECSClient;
  lambda: LambdaClient;
  events: EventBridgeClient;
  scheduler: SchedulerClient;
}

export function sdkConfig(options: ClientOptions) {
  return {
    region: options.region,
    profile: options.profile,
    maxAttempts: options.maxAttempts ?? 8,
    retryMode: 'adaptive' as const,
    // Without a timeout a hung connection holds a concurrency slot for ever.
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
      connectionTimeout: 5_000,
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
}

export function createAwsClients(options: ClientOptions): AwsClients {
  const config = sdkConfig(options);
  return {
    ecr: new ECRClient(config),
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    events: new EventBridgeClient(config),
    scheduler: new SchedulerClient(config),
  };
}

/**
 * Turns the SDK's errors for missing credentials or region into one clear
 * message; other errors pass through unchanged.
 */
export function explainAwsError(error: unknown, profile?: string): unknown {
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    if (profile) {
      return new CredentialsError(
        `no AWS credentials for the profile "${profile}": it is not in the AWS config or credentials files, or it has no credentials; check the name given to --profile or AWS_PROFILE (\`aws configure list-profiles\` lists them)`,
        { cause: error },
      );
    }
    return new CredentialsError(
      'no AWS credentials found: set AWS_PROFILE or pass --profile, run `aws configure`, or use --snapshot FILE to work offline (npm start uses the bundled sample fleet)',
      { cause: error },
    );
  }
  if (/Region is missing/i.test(message)) {
    return new CredentialsError(
      'no AWS region set: pass --region (for example --region eu-west-1) or set AWS_REGION',
      { cause: error },
    );
  }
  return error;
}
