/** Fakes handed to the handler: a recording log, recording metrics, clients on a mock. */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import type { WebClient } from '@slack/web-api';
import { mockClient } from 'aws-sdk-client-mock';
import type { HandlerClients, HandlerDeps, LambdaContextLike } from '../../lambda/handler/invoke';
import type { RunMetrics } from '../../lambda/handler/metrics';
import type { Log } from '../../lambda/util/log';
import { environment } from './fixtures';

const OFFLINE = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};

export interface LogLine {
  level: string;
  message: string;
  extra?: Record<string, unknown>;
}

export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    lines.push({ level, message, extra });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingMetrics(): RunMetrics & {
  metrics: Record<string, number>;
  published: number;
} {
  const recorder = {
    metrics: {} as Record<string, number>,
    published: 0,
    addMetric(name: string, _unit: string, value: number) {
      recorder.metrics[name] = value;
    },
    publishStoredMetrics() {
      recorder.published += 1;
    },
  };
  return recorder;
}

export function context(remainingMs = 900_000): LambdaContextLike {
  return { awsRequestId: 'run-0001', getRemainingTimeInMillis: () => remainingMs };
}

/** Clients that never reach a network: S3 answers from a mock, the rest are unused. */
export function offlineClients() {
  const clients: HandlerClients = {
    ecr: new ECRClient(OFFLINE),
    ecs: new ECSClient(OFFLINE),
    lambda: new LambdaClient(OFFLINE),
    s3: new S3Client(OFFLINE),
    ses: new SESClient(OFFLINE),
  };
  const s3 = mockClient(clients.s3);
  s3.on(PutObjectCommand).resolves({});
  return { clients, s3 };
}

export function fakeDeps(overrides: Partial<HandlerDeps> = {}) {
  const log = recordingLog();
  const metrics = recordingMetrics();
  const { clients, s3 } = offlineClients();
  const deps: HandlerDeps = {
    environment: () => environment(),
    clients: () => clients,
    slackToken: () => undefined,
    slackClient: () => ({}) as WebClient,
    log,
    metrics,
    clock: () => new Date('2026-12-03T10:00:00Z'),
    ...overrides,
  };
  return { deps, log, metrics, clients, s3 };
}
