/**
 * The function's environment, read once per container through small getters
 * that throw EnvironmentError naming the variable, what it held and the fix.
 * The construct sets every variable; a missing one means the function was
 * deployed or edited by hand.
 */
import { parseConfig, type JanitorConfig } from '../config/schema';
import { JanitorError } from '../errors';
import { ENV } from './contract';

export class EnvironmentError extends JanitorError {
  readonly variable: string;
  constructor(message: string, options: { variable: string; cause?: unknown }) {
    super(message, options);
    this.variable = options.variable;
  }
}

export interface HandlerEnvironment {
  bucket: string;
  config: JanitorConfig;
  /** ARN of the secret holding the Slack bot token; absent when Slack is not set up. */
  slackTokenSecretArn?: string;
  reportLinkExpirySeconds: number;
  /** Names this deployment in metrics. */
  deployment: string;
}

type Env = Record<string, string | undefined>;

const REDEPLOY = 'redeploy the EcrJanitor construct, which sets it';

export function requireVariable(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new EnvironmentError(`environment variable ${name} is not set; ${REDEPLOY}`, {
      variable: name,
    });
  }
  return value;
}

export function optionalVariable(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function configVariable(env: Env): JanitorConfig {
  const text = requireVariable(env, ENV.config);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EnvironmentError(
      `environment variable ${ENV.config} is not JSON (received ${JSON.stringify(text.slice(0, 80))}); ${REDEPLOY}`,
      { variable: ENV.config, cause: error },
    );
  }
  try {
    return parseConfig(raw, `configuration in ${ENV.config}`);
  } catch (error) {
    throw new EnvironmentError((error as Error).message, { variable: ENV.config, cause: error });
  }
}

export function secondsVariable(env: Env, name: string, fallback: number): number {
  const text = optionalVariable(env, name);
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604800) {
    throw new EnvironmentError(
      `environment variable ${name} must be whole seconds from 1 to 604800 (7 days), received "${text}"; ${REDEPLOY}`,
      { variable: name },
    );
  }
  return seconds;
}

/** Reads and checks every variable; call once per container. */
export function readEnvironment(env: Env): HandlerEnvironment {
  return {
    bucket: requireVariable(env, ENV.bucket),
    config: configVariable(env),
    slackTokenSecretArn: optionalVariable(env, ENV.slackTokenSecretArn),
    reportLinkExpirySeconds: secondsVariable(env, ENV.reportLinkExpirySeconds, 604800),
    deployment: optionalVariable(env, ENV.deployment) ?? 'default',
  };
}
