/**
 * What the CDK construct and the handler agree on: environment variable
 * names, metric names and the shape of the scheduled event. One module, so
 * the two sides cannot drift apart.
 */

/** Environment variables the construct sets and the handler reads. */
export const ENV = {
  /** The validated configuration as JSON. */
  config: 'JANITOR_CONFIG',
  /** Bucket for caches, run summaries, reports and the audit log. */
  bucket: 'JANITOR_BUCKET',
  /** ARN of the Secrets Manager secret holding the Slack bot token. */
  slackTokenSecretArn: 'JANITOR_SLACK_TOKEN_SECRET_ARN',
  /** Lifetime of the pre-signed report link, in seconds. */
  reportLinkExpirySeconds: 'JANITOR_REPORT_LINK_EXPIRY_SECONDS',
  /** Names this deployment in metrics, so two janitors in one account do not mix. */
  deployment: 'JANITOR_DEPLOYMENT',
} as const;

/** Powertools metrics: namespace, service and the names alarms watch. */
export const METRICS = {
  namespace: 'EcrJanitor',
  service: 'ecr-janitor',
  deliveryFailures: 'DeliveryFailures',
  deliveries: 'Deliveries',
  storedBytes: 'StoredBytes',
  reclaimableBytes: 'ReclaimableBytes',
  wastedBytes: 'WastedBytes',
  deletedImages: 'DeletedImages',
  proposedDeletions: 'ProposedDeletions',
  partialRuns: 'PartialRuns',
} as const;

/** The `source` of the payload the schedule sends. */
export const SCHEDULE_SOURCE = 'ecr-janitor.schedule';

/** Key prefixes in the bucket. Lifecycle expiry applies to the cache and reports only. */
export const PREFIXES = {
  cache: 'cache/',
  reports: 'reports/',
} as const;
