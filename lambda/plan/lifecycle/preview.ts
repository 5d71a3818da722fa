/**
 * What a repository's current native lifecycle policy will do within the
 * next 24 hours, judged by the local evaluator, and the warnings that
 * follow: a policy about to expire a protected image, a policy that matches
 * none of the images present, a policy that cannot be read.
 */
import type { Warning } from '../../model/digest';
import type { RepositoryRecord } from '../../model/inventory';
import type { NativePolicyPreview } from '../../model/plan';
import { describeImage, type ImageGraph } from '../graph';
import type { ReasonBook } from '../protect';
import { formatBytes } from '../../util/bytes';
import { evaluateLifecyclePolicy } from './evaluate';
import { parseLifecyclePolicy, type LifecyclePolicy } from './policy';

export const PREVIEW_HOURS = 24;

function describeSelection(policy: LifecyclePolicy): string {
  return policy.rules
    .map((rule) => {
      const s = rule.selection;
      if (s.tagPrefixList) return `tags starting ${s.tagPrefixList.join(' and ')}`;
      if (s.tagPatternList) return `tags matching ${s.tagPatternList.join(' and ')}`;
      return `${s.tagStatus} images`;
    })
    .join('; ');
}

/** Withheld images are not protected images: only the scan's gap keeps them this run. */
function isProtected(protections: ReasonBook, digest: string): boolean {
  return protections.get(digest).some((reason) => reason.code !== 'scan-incomplete');
}

export function previewNativePolicy(
  repository: RepositoryRecord,
  graph: ImageGraph,
  protections: ReasonBook,
  storedBytes: number,
  now: Date,
): { preview?: NativePolicyPreview; warnings: Warning[] } {
  const text = repository.lifecyclePolicyText;
  if (!text) return { warnings: [] };
  let policy: LifecyclePolicy;
  try {
    policy = parseLifecyclePolicy(text, `lifecycle policy of ${repository.name}`);
  } catch (error) {
    return {
      warnings: [
        {
          code: 'policy-invalid',
          repository: repository.name,
          message: `The native lifecycle policy of ${repository.name} could not be evaluated: ${(error as Error).message}`,
        },
      ],
    };
  }

  const horizon = new Date(now.getTime() + PREVIEW_HOURS * 3_600_000);
  const evaluation = evaluateLifecyclePolicy(policy, repository.images, horizon, {
    parents: graph.parents,
  });
  const preview: NativePolicyPreview = {
    repository: repository.name,
    withinHours: PREVIEW_HOURS,
    actions: evaluation.actions.map((action) => ({
      ...action,
      tags: graph.images.get(action.imageDigest)?.tags ?? [],
      protectedImage: isProtected(protections, action.imageDigest),
    })),
  };

  const warnings: Warning[] = [];
  const hits = preview.actions.filter((a) => a.protectedImage && a.action === 'expire');
  if (hits.length) {
    const listed = hits
      .slice(0, 5)
      .map((hit) => {
        const why = protections
          .get(hit.imageDigest)
          .map((r) => r.detail)
          .join('; ');
        return `${describeImage(graph.images.get(hit.imageDigest), hit.imageDigest)} by rule ${hit.rulePriority} — protected: ${why}`;
      })
      .join('; ');
    warnings.push({
      code: 'policy-hits-protected',
      repository: repository.name,
      message: `WARNING: the native lifecycle policy of ${repository.name} will expire ${hits.length} protected image(s) within ${PREVIEW_HOURS} hours, and ECR does not know they are in use or protected: ${listed}${hits.length > 5 ? '; …' : ''}. Change or remove that policy now.`,
    });
  }

  const matchedAny = [...evaluation.matchedByRule.values()].some((m) => m.length > 0);
  if (!matchedAny && repository.images.length > 0) {
    warnings.push({
      code: 'policy-matches-nothing',
      repository: repository.name,
      message: `The native lifecycle policy of ${repository.name} matched none of its ${repository.images.length} images (it selects ${describeSelection(policy)}): the repository's ${repository.images.length} images and ${formatBytes(storedBytes)} of stored bytes are unmanaged by it.`,
    });
  }
  return { preview, warnings };
}
