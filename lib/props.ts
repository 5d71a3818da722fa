/**
 * The props of the EcrJanitor construct, each documented with its default.
 * They are checked at synth time by `resolveProps` (resolve-props.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { JanitorConfigInput } from '../lambda/config/schema';

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
