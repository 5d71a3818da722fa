/**
 * The apply stage against a real ECR endpoint (moto_server on loopback):
 * batch deletion, re-deletion (already gone), and putting and reading back
 * a lifecycle policy. moto does not evaluate lifecycle rules; the evaluator
 * is covered by unit tests.
 */
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { applyPlan } from '../../lambda/apply';
import { parseConfig } from '../../lambda/config/schema';
import type { Inventory } from '../../lambda/model/inventory';
import { buildPlan } from '../../lambda/plan';
import { canonicalPolicy } from '../../lambda/plan/lifecycle/generate';
import { parseLifecyclePolicy } from '../../lambda/plan/lifecycle/policy';
import { silentLog } from '../../lambda/util/log';
import { MemoryStore } from '../../lambda/util/store';
import { InventoryBuilder } from '../support/inventory-builder';
import { startMoto, type MotoServer } from '../support/moto';

let moto: MotoServer;
let ecr: ECRClient;

beforeAll(async () => {
  moto = await startMoto('eu-west-1');
  ecr = new ECRClient(moto.clientConfig);
});

afterAll(async () => {
  ecr?.destroy();
  await moto?.stop();
});

beforeEach(() => moto.reset());

/** Pushes every image of the inventory to moto, manifests byte for byte. */
async function push(inventory: Inventory): Promise<void> {
  for (const repository of inventory.repositories) {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository.name }));
    for (const image of repository.images) {
      const body = inventory.manifests[image.imageDigest];
      const tags = image.tags.length ? image.tags : [undefined];
      for (const tag of tags) {
        await ecr.send(
          new PutImageCommand({
            repositoryName: repository.name,
            imageManifest: body,
            imageManifestMediaType: image.manifestMediaType,
            // moto derives digests from layer digests unless told; ECR checks this one against the body.
            imageDigest: image.imageDigest,
            imageTag: tag,
          }),
        );
      }
    }
  }
}

async function remaining(repositoryName: string): Promise<string[]> {
  const answer = await ecr.send(new DescribeImagesCommand({ repositoryName, maxResults: 1000 }));
  return (answer.imageDetails ?? []).map((d) => d.imageDigest as string).sort();
}

function fleet() {
  const b = new InventoryBuilder();
  const old = Array.from({ length: 120 }, (_, i) => b.image('web', { ageDays: 30 + i }));
  const kept = b.image('web', { tags: ['v2'], ageDays: 1 });
  return { b, old, kept };
}

describe('applying a plan to a real ECR endpoint', () => {
  it('deletes 120 images in batches of at most 100, keeps the rest, and puts the proposed policy', async () => {
    const { b, kept } = fleet();
    await push(b.build());
    const { plan } = buildPlan(
      b.build(),
      parseConfig({ manageLifecyclePolicies: true, rules: { untaggedDays: 7 } }),
      b.now,
    );
    const audit = new MemoryStore();

    const result = await applyPlan(plan, {
      ecr,
      audit,
      runId: 'moto-1',
      now: b.now,
      maxDeletions: 500,
      log: silentLog,
    });

    expect(result.failed).toEqual([]);
    expect(result.deleted).toHaveLength(120);
    expect(await remaining('web')).toEqual([kept]);
    expect(result.policiesPut).toEqual(['web']);
    const stored = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'web' }));
    expect(canonicalPolicy(parseLifecyclePolicy(stored.lifecyclePolicyText as string))).toBe(
      canonicalPolicy(parseLifecyclePolicy(plan.lifecyclePolicies[0].policyText as string)),
    );
    expect(audit.items.get('audit/2026-12-01/moto-1.jsonl')?.trim().split('\n')).toHaveLength(121);
  });

  it('counts images deleted by someone else in the meantime as already gone', async () => {
    const { b } = fleet();
    await push(b.build());
    const { plan } = buildPlan(b.build(), parseConfig({ rules: { untaggedDays: 7 } }), b.now);
    const run = (runId: string) =>
      applyPlan(plan, {
        ecr,
        audit: new MemoryStore(),
        runId,
        now: b.now,
        maxDeletions: 500,
        log: silentLog,
      });

    await run('first');
    const second = await run('second');

    expect(second.deleted).toEqual([]);
    expect(second.alreadyGone).toHaveLength(120);
    expect(second.failed).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const { b, old, kept } = fleet();
    await push(b.build());
    const { plan } = buildPlan(
      b.build(),
      parseConfig({ manageLifecyclePolicies: true, rules: { untaggedDays: 7 } }),
      b.now,
    );

    await applyPlan(plan, {
      ecr,
      audit: new MemoryStore(),
      runId: 'dry',
      now: b.now,
      maxDeletions: 500,
      log: silentLog,
      dryRun: true,
    });

    expect(await remaining('web')).toEqual([...old, kept].sort());
    await expect(
      ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'web' })),
    ).rejects.toMatchObject({ name: 'LifecyclePolicyNotFoundException' });
  });
});
