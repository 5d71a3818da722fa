/**
 * The janitor function's entry point. Scheduled runs use the deployment's
 * mode; manual runs (`aws lambda invoke`) send a payload, validated before
 * anything is read or changed. See the README under "Manual runs of the
 * deployed function".
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { containerDeps } from './handler/container';
import { METRICS } from './handler/contract';
import { handleInvocation, type InvocationResult } from './handler/invoke';

const logger = new Logger({ serviceName: METRICS.service });
let deps: ReturnType<typeof containerDeps> | undefined;

export async function handler(event: unknown, context: Context): Promise<InvocationResult> {
  // Function name, request id and cold start on every log line of this invocation.
  logger.addContext(context);
  deps ??= containerDeps(process.env, {}, logger);
  return handleInvocation(event, context, deps);
}
