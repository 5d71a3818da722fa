/** Every image of a repository, archived ones included, as ImageRecords. */
import { paginateDescribeImages, type ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import type { ImageRecord, StorageClass } from '../model/inventory';
import { limitPages, type CallLimit } from './calls';

/** DescribeImages answers at most this many per page. */
const IMAGES_PER_PAGE = 1000;

/**
 * Reads all pages of DescribeImages with `imageStatus: ANY`: without it ECR
 * lists only active images, and archived ones still cost money.
 */
export async function listImages(
  ecr: ECRClient,
  repositoryName: string,
  options: { registryId?: string; scannedAt: string; limit: CallLimit },
): Promise<ImageRecord[]> {
  const byDigest = new Map<string, ImageRecord>();
  const pages = paginateDescribeImages(
    { client: ecr, pageSize: IMAGES_PER_PAGE },
    { repositoryName, registryId: options.registryId, filter: { imageStatus: 'ANY' } },
  );
  for await (const page of limitPages(pages, options.limit)) {
    for (const detail of page.imageDetails ?? []) {
      if (!detail.imageDigest) continue;
      const record = toImageRecord(detail, options.scannedAt);
      const seen = byDigest.get(record.imageDigest);
      // One digest is one image; should a page repeat it, its tags are merged.
      if (seen) seen.tags = [...new Set([...seen.tags, ...record.tags])];
      else byDigest.set(record.imageDigest, record);
    }
  }
  return [...byDigest.values()];
}

/** ACTIVATING is a restore from archive in progress: the image is still billed as archived. */
function storageClassOf(detail: ImageDetail): StorageClass {
  return detail.imageStatus === 'ARCHIVED' || detail.imageStatus === 'ACTIVATING'
    ? 'ARCHIVE'
    : 'STANDARD';
}

function finiteBytes(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

export function toImageRecord(detail: ImageDetail, scannedAt: string): ImageRecord {
  const record: ImageRecord = {
    imageDigest: detail.imageDigest as string,
    tags: [...(detail.imageTags ?? [])].sort(),
    manifestMediaType: detail.imageManifestMediaType ?? '',
    reportedSizeBytes: finiteBytes(detail.imageSizeInBytes),
    // An unknown push time reads as "just pushed", so no age rule can delete the image for it.
    pushedAt: (detail.imagePushedAt ?? new Date(scannedAt)).toISOString(),
    storageClass: storageClassOf(detail),
  };
  if (detail.artifactMediaType) record.artifactMediaType = detail.artifactMediaType;
  if (detail.lastRecordedPullTime) record.lastPulledAt = detail.lastRecordedPullTime.toISOString();
  if (detail.lastArchivedAt) record.lastArchivedAt = detail.lastArchivedAt.toISOString();
  if (detail.subjectManifestDigest) record.subjectDigest = detail.subjectManifestDigest;
  return record;
}
