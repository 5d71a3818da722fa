/**
 * The full report of a run, kept in the bucket under `reports/`: the HTML
 * page the digest links to, and the digest as JSON beside it. The link is a
 * pre-signed GET, so readers need no AWS access of their own.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { renderDigest } from '../digest/render';
import type { Digest } from '../model/digest';
import type { Log } from '../util/log';
import { S3Store } from '../util/store';
import { PREFIXES } from './contract';

export interface StoredReport {
  /** s3:// address of the HTML report, when it was stored. */
  location?: string;
  /** s3:// address of the JSON digest. */
  jsonLocation?: string;
  /** Pre-signed link to the HTML report. */
  url?: string;
}

export interface ReportOptions {
  s3: S3Client;
  bucket: string;
  runId: string;
  linkExpirySeconds: number;
  log: Log;
  /** @default renderDigest */
  render?: typeof renderDigest;
}

/** `2026/12/03/<runId>`: one folder a day keeps listings short. */
export function reportKey(generatedAt: string, runId: string): string {
  return `${generatedAt.slice(0, 10).replaceAll('-', '/')}/${runId}`;
}

/**
 * Stores the report and signs a link to it. Never throws: a report that
 * cannot be rendered or stored costs the digest its link, nothing more.
 */
export async function storeReport(digest: Digest, options: ReportOptions): Promise<StoredReport> {
  const { s3, bucket, log } = options;
  const store = new S3Store(s3, bucket, PREFIXES.reports);
  const key = reportKey(digest.generatedAt, options.runId);
  const stored: StoredReport = {};
  const render = options.render ?? renderDigest;

  try {
    await store.put(`${key}.json`, render(digest, 'json'), 'application/json');
    stored.jsonLocation = store.locate(`${key}.json`);
  } catch (error) {
    log.warn('could not store the JSON digest', { key, error: (error as Error).message });
  }

  try {
    const html = render(digest, 'html');
    await store.put(`${key}.html`, html, 'text/html; charset=utf-8');
    stored.location = store.locate(`${key}.html`);
    stored.url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: bucket, Key: `${PREFIXES.reports}${key}.html` }),
      { expiresIn: options.linkExpirySeconds },
    );
  } catch (error) {
    log.warn('could not store the HTML report; the digest goes out without its link', {
      key,
      error: (error as Error).message,
    });
  }
  return stored;
}
