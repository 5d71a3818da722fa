/**
 * The janitor's bucket: caches (manifests, layer summaries), run summaries,
 * full reports and the audit log. Versioned, so an overwritten run summary
 * or audit object can still be read back; caches and reports expire, the
 * audit log and run summaries do not.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PREFIXES } from '../lambda/handler/contract';
import type { ResolvedProps } from './resolve-props';

export function janitorBucket(
  scope: Construct,
  resolved: ResolvedProps,
  accessLogsBucket: s3.IBucket | undefined,
): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'Bucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    // The audit log must outlive the stack.
    removalPolicy: RemovalPolicy.RETAIN,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: accessLogsBucket ? 'ecr-janitor/' : undefined,
    lifecycleRules: [
      {
        id: 'expire-caches',
        prefix: PREFIXES.cache,
        expiration: resolved.cacheExpiration,
        noncurrentVersionExpiration: Duration.days(1),
      },
      {
        id: 'expire-reports',
        prefix: PREFIXES.reports,
        expiration: resolved.reportExpiration,
        noncurrentVersionExpiration: Duration.days(1),
      },
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
  if (!accessLogsBucket) {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the janitor function writes to this bucket and every write is in its own structured logs; pass accessLogsBucket to turn server access logs on.',
    });
  }
  return bucket;
}
