/**
 * One invocation of the janitor function: validate the event, run the
 * pipeline with S3-backed stores, keep the full report, deliver the digest,
 * publish metrics, and answer with a small JSON result.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SESClient } from '@aws-sdk/client-ses';
import type { WebClient } from '@slack/web-api';
import type { BlobSource } from '../analyse/bloat';
import type { renderDigest } from '../digest/render';
import type { DeliveryResult, deliverDigest } from '../notify';
import { runJanitor } from '../run';
import type { Log } from '../util/log';
import { S3Store } from '../util/store';
import { PREFIXES } from './contract';
import { deliver } from './deliver';
import type { HandlerEnvironment } from './environment';
import { recordDeliveries, recordRun, type RunMetrics } from './metrics';
import { parseInvocation, PayloadError } from './payload';
import { storeReport } from './report';
import type { TokenSource } from './slack-token';

/** Time kept back from the scan for storing the report and delivering the digest. */
export const DELIVERY_RESERVE_MS = 60_000;

export interface LambdaContextLike {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export interface HandlerClients {
  ecr: ECRClient;
  ecs: ECSClient;
  lambda: LambdaClient;
  /** Optional: without them, scheduled tasks are covered by ACTIVE task definitions only. */
  events?: EventBridgeClient;
  scheduler?: SchedulerClient;
  s3: S3Client;
  ses: SESClient;
}

export interface HandlerDeps {
  environment: () => HandlerEnvironment;
  clients: () => HandlerClients;
  slackToken: () => TokenSource | undefined;
  slackClient: (token: string) => WebClient;
  blobSource?: () => BlobSource | undefined;
  log: Log;
  metrics: RunMetrics;
  clock: () => Date;
  run?: typeof runJanitor;
  deliver?: typeof deliverDigest;
  render?: typeof renderDigest;
}

export interface RunResult {
  ok: true;
  runId: string;
  trigger: 'schedule' | 'manual';
  dryRun: boolean;
  partial: boolean;
  totals: {
    repositoryCount: number;
    storedBytes: number;
    reclaimableBytes: number;
    wastedBytes: number;
    proposedDeletionCount: number;
    deletedCount: number;
  };
  /** s3:// address of the full HTML report, when stored. */
  report?: string;
  deliveries: DeliveryResult[];
  warningCount: number;
}

export interface RejectedResult {
  ok: false;
  runId: string;
  error: { name: string; message: string };
}

export type InvocationResult = RunResult | RejectedResult;

/** Adds keys (the run id) to every line of a log. */
export function withKeys(log: Log, keys: Record<string, unknown>): Log {
  return {
    debug: (message, extra) => log.debug(message, { ...keys, ...extra }),
    info: (message, extra) => log.info(message, { ...keys, ...extra }),
    warn: (message, extra) => log.warn(message, { ...keys, ...extra }),
    error: (message, extra) => log.error(message, { ...keys, ...extra }),
  };
}

export async function handleInvocation(
  event: unknown,
  context: LambdaContextLike,
  deps: HandlerDeps,
): Promise<InvocationResult> {
  const runId = context.awsRequestId;
  const log = withKeys(deps.log, { runId });
  const environment = deps.environment();

  let invocation;
  try {
    invocation = parseInvocation(event, environment.config, deps.clock);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    log.warn('invocation rejected: invalid payload; nothing was scanned or changed', {
      error: error.message,
    });
    return { ok: false, runId, error: { name: error.name, message: error.message } };
  }
  log.info('run starting', {
    trigger: invocation.trigger,
    dryRun: invocation.dryRun,
    now: invocation.now.toISOString(),
    repositories: invocation.config.repositories,
  });

  const clients = deps.clients();
  const { digest } = await (deps.run ?? runJanitor)(
    { config: invocation.config, dryRun: invocation.dryRun, now: invocation.now },
    {
      clients: {
        ecr: clients.ecr,
        ecs: clients.ecs,
        lambda: clients.lambda,
        events: clients.events,
        scheduler: clients.scheduler,
      },
      blobSource: deps.blobSource?.(),
      cache: new S3Store(clients.s3, environment.bucket, PREFIXES.cache),
      state: new S3Store(clients.s3, environment.bucket),
      log,
      remainingTimeMs: () => context.getRemainingTimeInMillis() - DELIVERY_RESERVE_MS,
      runId,
    },
  );
  recordRun(deps.metrics, digest);

  const report = await storeReport(digest, {
    s3: clients.s3,
    bucket: environment.bucket,
    runId,
    linkExpirySeconds: environment.reportLinkExpirySeconds,
    log,
    render: deps.render,
  });
  const deliveries = invocation.notify
    ? await deliver(digest, invocation.config, report.url, {
        ses: clients.ses,
        slackToken: deps.slackToken(),
        slackClient: deps.slackClient,
        deliver: deps.deliver,
        log,
      })
    : [];
  recordDeliveries(deps.metrics, deliveries);
  deps.metrics.publishStoredMetrics();

  const { totals } = digest;
  const result: RunResult = {
    ok: true,
    runId,
    trigger: invocation.trigger,
    dryRun: digest.dryRun,
    partial: digest.partial,
    totals: {
      repositoryCount: totals.repositoryCount,
      storedBytes: totals.storedBytes,
      reclaimableBytes: totals.reclaimableBytes,
      wastedBytes: totals.wastedBytes,
      proposedDeletionCount: totals.proposedDeletionCount,
      deletedCount: totals.deletedCount,
    },
    report: report.location,
    deliveries,
    warningCount: digest.warnings.length,
  };
  log.info('run delivered', { ...result.totals, report: result.report, deliveries });
  return result;
}
