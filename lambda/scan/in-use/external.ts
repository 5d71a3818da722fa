/** External references from the configuration (EKS clusters, other accounts). */
import { ConfigError } from '../../errors';
import { parseImageUri } from '../image-uri';
import type { RawReference } from './raw-reference';

/**
 * Checks every external reference before any AWS call, so a typo cannot
 * silently leave an image unprotected.
 */
export function externalReferences(references: readonly string[]): RawReference[] {
  return references.map((imageRef, index) => {
    if (!parseImageUri(imageRef)) {
      throw new ConfigError(
        `externalReferences[${index}] is not an ECR image reference (received ${JSON.stringify(imageRef)}); write it as "repository:tag", "repository@sha256:<64 hex>" or "<account>.dkr.ecr.<region>.amazonaws.com/repository:tag"`,
        { path: `externalReferences.${index}` },
      );
    }
    return { imageRef, source: { kind: 'external', id: imageRef } };
  });
}
