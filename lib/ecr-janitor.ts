/**
 * EcrJanitor: the scheduled janitor as one construct, so another team's CDK
 * app gets the function, its schedule, its bucket, its least-privilege role
 * and its alarms from a single line.
 */
import * as path from 'node:path';
import { Duration, Names, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, METRICS, SCHEDULE_SOURCE } from '../lambda/handler/contract';
import { acknowledgeFindings } from './nag';
import { emailStatements, enforceStatements, readStatements } from './permissions';
import type { EcrJanitorProps } from './props';
import { resolveProps, type ResolvedProps } from './resolve-props';
import { janitorBucket } from './storage';

export * from './props';

/** Where the handler lives, relative to this file, for bundling. */
const HANDLER_ENTRY = path.join(__dirname, '..', 'lambda', 'handler.ts');

export class EcrJanitor extends Construct {
  /** The janitor function; invoke it for manual runs. */
  readonly function: nodejs.NodejsFunction;
  /** The function's role (registered in ECR's pull-time update exclusions). */
  readonly role: iam.Role;
  /** Caches, run summaries, full reports and the audit log. */
  readonly bucket: s3.Bucket;
  /** Scheduled or asynchronous invocations that failed for good land here. */
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the function. */
  readonly schedulerRole: iam.Role;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly deliveryFailuresAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The validated configuration handed to the function. */
  readonly config: ResolvedProps['config'];

  constructor(scope: Construct, id: string, props: EcrJanitorProps = {}) {
    super(scope, id);
    const resolved = resolveProps(props);
    this.config = resolved.config;
    const deployment = Names.uniqueResourceName(this, { maxLength: 64 });

    this.bucket = janitorBucket(this, resolved, props.accessLogsBucket);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = this.createRole(resolved, props, logGroup);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      description: `ecr-janitor (${resolved.config.mode} mode): scans ECR, plans retention, sends the digest`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: resolved.memorySize,
      timeout: resolved.timeout,
      role: this.role,
      logGroup,
      // A failed run is alarmed on and parked in the queue; retrying it at
      // once would only send a second digest for the same night.
      retryAttempts: 0,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        [ENV.config]: JSON.stringify(resolved.config),
        [ENV.bucket]: this.bucket.bucketName,
        [ENV.reportLinkExpirySeconds]: String(resolved.reportLinkExpiry.toSeconds()),
        [ENV.deployment]: deployment,
        ...(props.slack ? { [ENV.slackTokenSecretArn]: props.slack.tokenSecret.secretArn } : {}),
        // Stack traces point into the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      },
      bundling: {
        minify: true,
        // Error names (PayloadError, EnvironmentError) come from class names; keep them.
        keepNames: true,
        sourceMap: true,
        target: 'node22',
        // Pinned SDK versions from the lockfile, not whatever the runtime carries.
        bundleAwsSDK: true,
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.ERROR,
        // Bundling runs esbuild through npx; keep npx from asking the registry for updates.
        environment: { NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
      },
    });

    new ecr.CfnPullTimeUpdateExclusion(this, 'PullTimeUpdateExclusion', {
      principalArn: this.role.roleArn,
    });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invokes the ecr-janitor function',
    });
    this.schedule = this.createSchedule(resolved);
    const alarms = this.createAlarms(deployment, props);
    this.errorsAlarm = alarms.errors;
    this.deliveryFailuresAlarm = alarms.deliveryFailures;
    this.deadLetterAlarm = alarms.deadLetters;

    acknowledgeFindings(this, {
      role: this.role,
      schedulerRole: this.schedulerRole,
      function: this.function,
      bucket: this.bucket,
      config: resolved.config,
    });
  }

  private createRole(
    resolved: ResolvedProps,
    props: EcrJanitorProps,
    logGroup: logs.LogGroup,
  ): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ecr-janitor function: read-only scan; deletes only in enforce mode, in scope',
    });
    const statements = [
      ...readStatements(this),
      ...enforceStatements(this, resolved.config),
      ...emailStatements(this, props.email),
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListStateBucket',
        // Without ListBucket a missing key reads as AccessDenied instead of NoSuchKey.
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadWriteState',
        // No delete: the audit log cannot be erased by the function it audits.
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    ];
    for (const statement of statements) role.addToPolicy(statement);
    props.slack?.tokenSecret.grantRead(role);
    return role;
  }

  private createSchedule(resolved: ResolvedProps): scheduler.Schedule {
    const { schedule } = resolved;
    const timeZone = TimeZone.of(schedule.timeZone);
    const expression = schedule.expression
      ? scheduler.ScheduleExpression.expression(schedule.expression, timeZone)
      : scheduler.ScheduleExpression.cron({
          minute: schedule.minute,
          hour: schedule.hour,
          day: schedule.day,
          month: schedule.month,
          weekDay: schedule.weekDay,
          year: schedule.year,
          timeZone,
        });
    return new scheduler.Schedule(this, 'Schedule', {
      schedule: expression,
      enabled: schedule.enabled,
      description: `ecr-janitor nightly run (${resolved.config.mode} mode)`,
      target: new targets.LambdaInvoke(this.function, {
        input: scheduler.ScheduleTargetInput.fromObject({
          source: SCHEDULE_SOURCE,
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
        }),
        role: this.schedulerRole,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }

  private createAlarms(deployment: string, props: EcrJanitorProps) {
    const errors = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: 'ecr-janitor runs failed (error, timeout or bad configuration)',
      metric: this.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const deliveryFailures = new cloudwatch.Alarm(this, 'DeliveryFailuresAlarm', {
      alarmDescription: 'ecr-janitor could not deliver a digest to Slack or email',
      metric: new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName: METRICS.deliveryFailures,
        dimensionsMap: { service: METRICS.service, deployment },
        period: Duration.hours(1),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const deadLetters = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'ecr-janitor invocations were given up and parked in the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(15),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarmActions = [
      ...(props.alarmTopic ? [new actions.SnsAction(props.alarmTopic)] : []),
      ...(props.alarmActions ?? []),
    ];
    for (const alarm of [errors, deliveryFailures, deadLetters]) {
      alarm.addAlarmAction(...alarmActions);
    }
    return { errors, deliveryFailures, deadLetters };
  }
}
