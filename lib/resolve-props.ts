/**
 * Validation of the EcrJanitor props. Every value is checked at synth time,
 * so a bad one fails `cdk synth` with a message that echoes it and says how
 * to fix it, long before anything is deployed.
 */
import { Duration } from 'aws-cdk-lib';
import { parseConfig, type JanitorConfig } from '../lambda/config/schema';
import type { EcrJanitorProps, EcrJanitorSchedule } from './props';

/** The props with defaults filled in and every value checked. */
export interface ResolvedProps {
  readonly schedule: Required<Omit<EcrJanitorSchedule, 'expression' | 'weekDay' | 'day'>> &
    Pick<EcrJanitorSchedule, 'expression' | 'weekDay' | 'day'>;
  readonly config: JanitorConfig;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly cacheExpiration: Duration;
  readonly reportExpiration: Duration;
  readonly reportLinkExpiry: Duration;
}

/** Lambda's environment holds at most 4 KB in all; leave room for the other variables. */
export const MAX_CONFIG_JSON_BYTES = 3000;

const CRON_FIELD = /^[0-9A-Za-z*?,\-/#]+$/;
const REPOSITORY_PATTERN = /^[a-z0-9._\-/*]+$/;
const EXPRESSION = /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

function fail(message: string): never {
  throw new Error(`EcrJanitor: ${message}`);
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function resolveSchedule(schedule: EcrJanitorSchedule = {}): ResolvedProps['schedule'] {
  const timeZone = schedule.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) {
    fail(
      `schedule.timeZone "${timeZone}" is not an IANA time zone; use a name such as "UTC", "Europe/Berlin" or "America/New_York".`,
    );
  }
  const fields = ['minute', 'hour', 'day', 'month', 'weekDay', 'year'] as const;
  if (schedule.expression !== undefined) {
    const given = fields.filter((field) => schedule[field] !== undefined);
    if (given.length) {
      fail(
        `schedule.expression "${schedule.expression}" cannot be combined with schedule.${given.join(', schedule.')}; give either the expression or the cron fields.`,
      );
    }
    if (!EXPRESSION.test(schedule.expression)) {
      fail(
        `schedule.expression "${schedule.expression}" is not a cron(…) or rate(…) expression; write e.g. "cron(0 3 * * ? *)" or "rate(12 hours)".`,
      );
    }
  }
  for (const field of fields) {
    const value = schedule[field];
    if (value !== undefined && !CRON_FIELD.test(value)) {
      fail(
        `schedule.${field} "${value}" is not a cron field; use digits, names and * ? , - / # only (e.g. hour "3", weekDay "MON-FRI").`,
      );
    }
  }
  if (schedule.day !== undefined && schedule.weekDay !== undefined) {
    fail(
      `schedule.day "${schedule.day}" and schedule.weekDay "${schedule.weekDay}" cannot both be set; cron allows only one of them.`,
    );
  }
  return {
    minute: schedule.minute ?? '0',
    hour: schedule.hour ?? '3',
    day: schedule.day,
    month: schedule.month ?? '*',
    weekDay: schedule.weekDay,
    year: schedule.year ?? '*',
    expression: schedule.expression,
    timeZone,
    enabled: schedule.enabled ?? true,
  };
}

function checkRepositoryPatterns(name: string, patterns: string[] | undefined): void {
  for (const pattern of patterns ?? []) {
    if (!REPOSITORY_PATTERN.test(pattern)) {
      fail(
        `${name} pattern "${pattern}" holds characters ECR repository names cannot have; use lowercase letters, digits, . _ - / and the * wildcard.`,
      );
    }
  }
}

function resolveConfig(props: EcrJanitorProps): JanitorConfig {
  const raw = (props.config ?? {}) as Record<string, unknown>;
  for (const key of ['mode', 'repositories', 'excludeRepositories'] as const) {
    if (key in raw) {
      fail(`config.${key} is a prop of its own; move ${JSON.stringify(raw[key])} to props.${key}.`);
    }
  }
  const notify = (raw.notify ?? {}) as Record<string, unknown>;
  for (const key of ['slack', 'email'] as const) {
    if (key in notify) {
      fail(`config.notify.${key} is a prop of its own; set props.${key} instead.`);
    }
  }
  checkRepositoryPatterns('repositories', props.repositories);
  checkRepositoryPatterns('excludeRepositories', props.excludeRepositories);

  const config = parseConfig(
    {
      ...raw,
      mode: props.mode ?? 'report',
      repositories: props.repositories ?? ['*'],
      excludeRepositories: props.excludeRepositories ?? [],
      notify: {
        ...notify,
        ...(props.slack ? { slack: { channel: props.slack.channel } } : {}),
        ...(props.email ? { email: { from: props.email.from, to: props.email.to } } : {}),
      },
    },
    'EcrJanitor props',
  );
  const size = Buffer.byteLength(JSON.stringify(config));
  if (size > MAX_CONFIG_JSON_BYTES) {
    fail(
      `the configuration is ${size} bytes as JSON, more than the ${MAX_CONFIG_JSON_BYTES} that fit in the function's environment; merge overrides that share rules or shorten pattern lists.`,
    );
  }
  return config;
}

function checkDuration(name: string, value: Duration, min: Duration, max: Duration): Duration {
  if (value.toSeconds() < min.toSeconds() || value.toSeconds() > max.toSeconds()) {
    fail(
      `${name} ${value.toHumanString()} is out of range; give a value from ${min.toHumanString()} to ${max.toHumanString()}.`,
    );
  }
  return value;
}

export function resolveProps(props: EcrJanitorProps): ResolvedProps {
  const memorySize = props.memorySize ?? 1024;
  if (!Number.isInteger(memorySize) || memorySize < 256 || memorySize > 10240) {
    fail(
      `memorySize ${memorySize} is out of range; give a whole number of MB from 256 to 10240 (1024 suits most fleets).`,
    );
  }
  return {
    schedule: resolveSchedule(props.schedule),
    config: resolveConfig(props),
    memorySize,
    timeout: checkDuration(
      'timeout',
      props.timeout ?? Duration.minutes(15),
      Duration.minutes(1),
      Duration.minutes(15),
    ),
    cacheExpiration: checkDuration(
      'cacheExpiration',
      props.cacheExpiration ?? Duration.days(60),
      Duration.days(1),
      Duration.days(3650),
    ),
    reportExpiration: checkDuration(
      'reportExpiration',
      props.reportExpiration ?? Duration.days(90),
      Duration.days(1),
      Duration.days(3650),
    ),
    reportLinkExpiry: checkDuration(
      'reportLinkExpiry',
      props.reportLinkExpiry ?? Duration.days(7),
      Duration.minutes(5),
      Duration.days(7),
    ),
  };
}
