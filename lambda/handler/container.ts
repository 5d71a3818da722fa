/**
 * What lives as long as the Lambda container: the environment (read once),
 * the AWS clients, the Powertools logger and metrics. Created on first use,
 * so a bad environment fails the invocation with a named error instead of
 * the container's start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import type { BlobSource } from '../analyse/bloat';
import { sdkConfig } from '../aws/clients';
import { createSlackClient } from '../notify';
import { RegistryClient, registryBlobSource } from '../registry/client';
import { ecrRegistryOptions } from '../registry/ecr-auth';
import type { Log } from '../util/log';
import { ENV, METRICS } from './contract';
import { readEnvironment, type HandlerEnvironment } from './environment';
import type { HandlerClients, HandlerDeps } from './invoke';
import { secretsManagerToken, type TokenSource } from './slack-token';

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** Powertools' Logger behind the pipeline's Log interface. */
export function powertoolsLog(logger: Logger): Log {
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

/**
 * Client settings laid over the SDK defaults: an endpoint and fake
 * credentials for tests against a local AWS, nothing in production.
 */
export interface ClientOverrides {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style S3 addresses, needed by local S3 endpoints. */
  forcePathStyle?: boolean;
  /** Another Slack API root, e.g. a local stand-in (`http://127.0.0.1:PORT/api/`). */
  slackApiUrl?: string;
}

export function containerDeps(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ClientOverrides = {},
  logger: Logger = new Logger({ serviceName: METRICS.service }),
): HandlerDeps {
  const metrics = new Metrics({
    namespace: METRICS.namespace,
    serviceName: METRICS.service,
    defaultDimensions: { deployment: env[ENV.deployment] ?? 'default' },
  });
  const environment = once<HandlerEnvironment>(() => readEnvironment(env));
  const { forcePathStyle, slackApiUrl, ...common } = overrides;
  const log = powertoolsLog(logger);
  const config = { ...sdkConfig({}), ...common };
  const clients = once<HandlerClients>(() => ({
    ecr: new ECRClient(config),
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    events: new EventBridgeClient(config),
    scheduler: new SchedulerClient(config),
    s3: new S3Client({ ...config, forcePathStyle }),
    ses: new SESClient(config),
  }));
  const slackToken = once<TokenSource | undefined>(() => {
    const secretArn = environment().slackTokenSecretArn;
    return secretArn ? secretsManagerToken(new SecretsManagerClient(config), secretArn) : undefined;
  });

  // Layer blobs come from the account's ECR registry API, authorised with
  // a GetAuthorizationToken token that the client renews before it expires.
  const blobSource = once<BlobSource>(() =>
    registryBlobSource(new RegistryClient(ecrRegistryOptions(clients().ecr))),
  );

  return {
    environment,
    clients,
    blobSource,
    slackToken,
    slackClient: (token) => createSlackClient(token, log, { slackApiUrl }),
    log,
    metrics,
    clock: () => new Date(),
  };
}
