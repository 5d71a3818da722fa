/**
 * The plan of one repository: seed protections, rules, the settled split
 * between deleted and protected images, and the native policy preview and
 * proposal. Pure.
 */
import { RepositoryBlobs, type ManifestIndex } from '../analyse/accounting';
import { rulesFor } from '../config/rules';
import type { JanitorConfig } from '../config/schema';
import type { Warning } from '../model/digest';
import type { InUseReference, RepositoryRecord } from '../model/inventory';
import type { NativePolicyPreview, PlannedPolicy } from '../model/plan';
import { buildImageGraph, shortDigest, type ImageGraph } from './graph';
import { nativeRules, planPolicy } from './lifecycle/generate';
import { previewNativePolicy } from './lifecycle/preview';
import { referencesFor, seedProtections, type ReasonBook } from './protect';
import { applyRules } from './rules';
import { settle } from './select';

export interface RepositoryPlan {
  repository: RepositoryRecord;
  graph: ImageGraph;
  blobs: RepositoryBlobs;
  deletions: ReasonBook;
  protections: ReasonBook;
  preview?: NativePolicyPreview;
  policy?: PlannedPolicy;
  warnings: Warning[];
}

export interface RepositoryContext {
  config: JanitorConfig;
  manifests: ManifestIndex;
  inUse: InUseReference[];
  now: Date;
  /** Why deletions must be withheld in this repository, when the scan was incomplete. */
  incomplete?: string;
}

export function planRepository(
  repository: RepositoryRecord,
  context: RepositoryContext,
): RepositoryPlan {
  const { config, manifests, now } = context;
  const rules = rulesFor(config, repository.name);
  const graph = buildImageGraph(repository, manifests);
  const blobs = new RepositoryBlobs(repository, manifests);
  const warnings: Warning[] = [];

  const references = referencesFor(repository.name, context.inUse, config.externalReferences);
  const { book: seeded } = seedProtections(graph, references, rules.protectTags);
  const selected = applyRules(graph, rules, seeded, now);
  const { deletions, protections } = settle(graph, seeded, selected, now);

  const incomplete =
    context.incomplete ??
    (graph.unreadManifests.length
      ? `the manifest of ${graph.unreadManifests.map(shortDigest).slice(0, 3).join(', ')} was not read, so the children of any index among them are unknown`
      : undefined);
  if (incomplete && deletions.digests().length) {
    const count = deletions.digests().length;
    for (const digest of deletions.digests()) {
      protections.add(digest, {
        code: 'scan-incomplete',
        detail: `would be deleted (${deletions
          .get(digest)
          .map((r) => r.code)
          .join(', ')}), but ${incomplete}`,
      });
      deletions.delete(digest);
    }
    warnings.push({
      code: 'deletions-withheld',
      repository: repository.name,
      message: `No image of ${repository.name} is deleted this run: ${incomplete}. ${count} image(s) would otherwise be deleted.`,
    });
  }

  const { preview, warnings: policyWarnings } = previewNativePolicy(
    repository,
    graph,
    protections,
    blobs.storedBytes,
    now,
  );
  warnings.push(...policyWarnings);

  const policy =
    config.manageLifecyclePolicies && !incomplete
      ? planPolicy(
          repository.name,
          repository.lifecyclePolicyText,
          nativeRules(rules, graph, protections),
        )
      : undefined;

  return { repository, graph, blobs, deletions, protections, preview, policy, warnings };
}
