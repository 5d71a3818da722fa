/**
 * The props of the EcrJanitor construct and their validation. Every value is
 * checked at synth time, so a bad one fails `cdk synth` with a message that
 * echoes it and says how to fix it, long before anything is deployed.
 */
import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { parseConfig, type JanitorConfig, type JanitorConfigInput } from '../lambda/config/schema';

/** When the janitor runs. Cron fields follow EventBridge Scheduler's cron syntax. */
export interface EcrJanitorSchedule {
  /** @default "0" */
  readonly minute?: string;
  /** @default "3" */
  readonly hour?: string;
  /** Day of the month. @default "*" (every day) */
  readonly day?: string;
  /** @default "*" */
  readonly month?: string;
  /** Day of the week (`MON-FRI`, `SUN`); excludes `day`. @default - any */
  readonly weekDay?: string;
  /** @default "*" */
  readonly year?: string;
  /**
   * A whole schedule expression such as `cron(30 2 ? * MON-FRI *)` or
   * `rate(12 hours)`; when given, the cron fields above must not be.
   * @default - built from the cron fields
   */
  readonly expression?: string;
  /** IANA time zone the cron fields are read in, e.g. `Europe/Berlin`. @default "UTC" */
  readonly timeZone?: string;
  /** Set to false to deploy the schedule switched off (manual runs still work). @default true */
  readonly enabled?: boolean;
}

export interface EcrJanitorSlack {
  /** Channel name or ID the digest is posted to, e.g. `#platform-costs`. */
  readonly channel: string;
  /** Secrets Manager secret whose value is the bot token (`xoxb-…`), as plain text. */
  readonly tokenSecret: ISecret;
}

export interface EcrJanitorEmail {
  /** Sender address; must be a verified SES identity (itself or its domain). */
  readonly from: string;
  /** Recipients; in the SES sandbox they must be verified too. */
  readonly to: string[];
}

export interface EcrJanitorProps {
  /** @default - every night at 03:00 UTC */
  readonly schedule?: EcrJanitorSchedule;
  /**
   * `report` never changes the registry; `enforce` deletes what the plan
   * says on scheduled runs and grants the delete permission needed for it.
   * @default "report"
   */
  readonly mode?: 'report' | 'enforce';
  /**
   * The retention configuration, exactly as in a configuration file (see the
   * README's "Configuration"). Validated at synth time with the schema the
   * function uses. `mode`, `repositories`, `excludeRepositories`, `slack`
   * and `email` are props of their own and may not be repeated here.
   * @default - the schema's defaults
   */
  readonly config?: Omit<JanitorConfigInput, 'mode' | 'repositories' | 'excludeRepositories'>;
  /**
   * Repositories in scope, as name patterns (`*` matches any run of
   * characters, `/` included). Delete permission is granted on these only.
   * @default ["*"]
   */
  readonly repositories?: string[];
  /** Repositories never touched nor reported; denied the delete permission. @default [] */
  readonly excludeRepositories?: string[];
  /** @default - no Slack delivery */
  readonly slack?: EcrJanitorSlack;
  /** @default - no email delivery */
  readonly email?: EcrJanitorEmail;
  /** @default 1024 */
  readonly memorySize?: number;
  /** At most 15 minutes (Lambda's limit). @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** Alarms notify this topic. @default - alarms without actions */
  readonly alarmTopic?: ITopic;
  /** Extra alarm actions besides the topic. @default [] */
  readonly alarmActions?: IAlarmAction[];
  /** Manifest and layer-summary caches expire after this. @default Duration.days(60) */
  readonly cacheExpiration?: Duration;
  /** Full reports expire after this. @default Duration.days(90) */
  readonly reportExpiration?: Duration;
  /**
   * How long the report link in the digest asks to stay valid. SigV4 allows
   * at most 7 days, and the link also dies with the function's credentials.
   * @default Duration.days(7)
   */
  readonly reportLinkExpiry?: Duration;
  /** Server access logs of the janitor's bucket go here. @default - no access logs */
  readonly accessLogsBucket?: IBucket;
}

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
