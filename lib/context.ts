/**
 * EcrJanitor props from CDK context (`-c key=value` or cdk.json), so the
 * bundled app deploys without code changes. Every key is optional; with
 * none, the janitor reports nightly at 03:00 UTC on every repository and
 * delivers nowhere but its bucket.
 */
import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import type { EcrJanitorProps } from './props';

/** The context keys the app reads, with what each holds. */
export const CONTEXT_KEYS = {
  mode: '`report` or `enforce`',
  repositories: 'repository patterns in scope, comma-separated',
  excludeRepositories: 'repository patterns never touched, comma-separated',
  configFile: 'path of a configuration file (JSON or YAML), as for the CLI',
  schedule: 'a whole expression, e.g. `cron(0 3 * * ? *)`',
  timeZone: 'IANA time zone of the schedule, e.g. `Europe/Berlin`',
  slackChannel: 'Slack channel for the digest',
  slackTokenSecretName: 'name of the Secrets Manager secret holding the Slack bot token',
  emailFrom: 'SES-verified sender address',
  emailTo: 'recipient addresses, comma-separated',
  memorySize: 'function memory in MB',
  timeoutMinutes: 'function timeout in minutes',
  alarmTopicArn: 'ARN of an existing SNS topic for the alarms',
} as const;

type ContextKey = keyof typeof CONTEXT_KEYS;

function fail(message: string): never {
  throw new Error(`ecr-janitor context: ${message}`);
}

function text(scope: Construct, key: ContextKey): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    fail(`${key} must be a string (${CONTEXT_KEYS[key]}), received ${JSON.stringify(value)}.`);
  }
  return String(value);
}

function list(scope: Construct, key: ContextKey): string[] | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (Array.isArray(value)) return value.map(String);
  return text(scope, key)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function whole(scope: Construct, key: ContextKey): number | undefined {
  const value = text(scope, key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    fail(`${key} must be a whole number (${CONTEXT_KEYS[key]}), received "${value}".`);
  }
  return Number(value);
}

function readConfigFile(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    const content = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(content) : parseYaml(content);
  } catch (error) {
    fail(`configFile "${file}" cannot be read: ${(error as Error).message}; check the path.`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail(`configFile "${file}" must hold an object of settings, received ${JSON.stringify(raw)}.`);
  }
  return raw as Record<string, unknown>;
}

function mode(value: unknown, source: string): 'report' | 'enforce' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'report' && value !== 'enforce') {
    fail(`${source} must be "report" or "enforce", received ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Splits a CLI-style configuration file into the props it maps to; context wins over the file. */
export function propsFromContext(scope: Construct): EcrJanitorProps {
  const configFile = text(scope, 'configFile');
  const file = configFile ? readConfigFile(configFile) : {};
  const { mode: fileMode, repositories, excludeRepositories, notify, ...config } = file;
  const {
    slack: fileSlack,
    email: fileEmail,
    ...notifyRest
  } = (notify ?? {}) as Record<string, unknown>;

  const slackChannel =
    text(scope, 'slackChannel') ?? (fileSlack as { channel?: string } | undefined)?.channel;
  const slackSecretName = text(scope, 'slackTokenSecretName');
  if (slackChannel && !slackSecretName) {
    fail(
      `slackChannel "${slackChannel}" needs slackTokenSecretName, the Secrets Manager secret holding the bot token; add -c slackTokenSecretName=NAME.`,
    );
  }
  const emailFrom = text(scope, 'emailFrom') ?? (fileEmail as { from?: string })?.from;
  const emailTo = list(scope, 'emailTo') ?? (fileEmail as { to?: string[] })?.to;
  if (Boolean(emailFrom) !== Boolean(emailTo?.length)) {
    fail(
      `email needs both emailFrom and emailTo, received emailFrom ${JSON.stringify(emailFrom)} and emailTo ${JSON.stringify(emailTo)}.`,
    );
  }
  const schedule = text(scope, 'schedule');
  const timeZone = text(scope, 'timeZone');
  const timeoutMinutes = whole(scope, 'timeoutMinutes');
  const alarmTopicArn = text(scope, 'alarmTopicArn');

  return {
    mode: mode(text(scope, 'mode'), 'mode') ?? mode(fileMode, `mode in ${configFile}`),
    repositories: list(scope, 'repositories') ?? (repositories as string[] | undefined),
    excludeRepositories:
      list(scope, 'excludeRepositories') ?? (excludeRepositories as string[] | undefined),
    // Checked against the configuration schema by the construct.
    config: { ...config, ...(notify ? { notify: notifyRest } : {}) } as EcrJanitorProps['config'],
    schedule: schedule || timeZone ? { expression: schedule, timeZone } : undefined,
    slack:
      slackChannel && slackSecretName
        ? {
            channel: slackChannel,
            tokenSecret: secretsmanager.Secret.fromSecretNameV2(
              scope,
              'SlackToken',
              slackSecretName,
            ),
          }
        : undefined,
    email: emailFrom && emailTo ? { from: emailFrom, to: emailTo } : undefined,
    memorySize: whole(scope, 'memorySize'),
    timeout: timeoutMinutes === undefined ? undefined : Duration.minutes(timeoutMinutes),
    alarmTopic: alarmTopicArn
      ? sns.Topic.fromTopicArn(scope, 'AlarmTopic', alarmTopicArn)
      : undefined,
  };
}
