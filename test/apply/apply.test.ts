/** The apply stage against a fake ECR whose every call is recorded. */
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  ECRClient,
  PutLifecyclePolicyCommand,
  type BatchDeleteImageCommandInput,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { applyPlan, type ApplyOptions } from '../../lambda/apply';
import { parseConfig } from '../../lambda/config/schema';
import type { Plan } from '../../lambda/model/plan';
import { buildPlan } from '../../lambda/plan';
import type { Log } from '../../lambda/util/log';
import { MemoryStore } from '../../lambda/util/store';
import { InventoryBuilder } from '../support/inventory-builder';

const NOW = new Date('2026-12-01T12:00:00Z');

function recordingLog() {
  const entries: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    void entries.push({ level, message, extra });
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, entries };
}

type Answer = (input: BatchDeleteImageCommandInput) => {
  deleted: string[];
  failures?: { digest: string; code: string }[];
};

/** A fake ECR: deletes whatever it is asked unless `answer` says otherwise. */
function fakeEcr(answer?: Answer) {
  const ecr = new ECRClient({ region: 'eu-west-1' });
  const mock = mockClient(ecr);
  mock.on(BatchDeleteImageCommand).callsFake((input: BatchDeleteImageCommandInput) => {
    const ids = (input.imageIds ?? []).map((id) => id.imageDigest as string);
    const result = answer ? answer(input) : { deleted: ids };
    return {
      imageIds: result.deleted.map((imageDigest) => ({ imageDigest })),
      failures: (result.failures ?? []).map((f) => ({
        imageId: { imageDigest: f.digest },
        failureCode: f.code,
        failureReason: `${f.code} for ${f.digest}`,
      })),
    };
  });
  mock.on(PutLifecyclePolicyCommand).resolves({});
  const calls = () =>
    mock.commandCalls(BatchDeleteImageCommand).map((c) => ({
      repository: c.args[0].input.repositoryName as string,
      digests: (c.args[0].input.imageIds ?? []).map((i) => i.imageDigest as string),
    }));
  return { ecr, mock, calls };
}

function options(ecr: ECRClient, extra: Partial<ApplyOptions> = {}) {
  const audit = new MemoryStore();
  const { log, entries } = recordingLog();
  const sleeps: number[] = [];
  return {
    audit,
    entries,
    sleeps,
    options: {
      ecr,
      audit,
      runId: 'run-1',
      now: NOW,
      maxDeletions: 10_000,
      log,
      clock: () => NOW,
      retry: { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 },
      ...extra,
    } satisfies ApplyOptions,
  };
}

/** A repository with one index `v1` (two children) and `loose` untagged images, all due. */
function planWithIndex(repository: string, loose: number, config: object = {}): Plan {
  const b = new InventoryBuilder(NOW);
  const amd = b.image(repository, { ageDays: 40 });
  const arm = b.image(repository, { ageDays: 40 });
  b.index(repository, [amd, arm], { tags: ['v1'], ageDays: 40 });
  b.image(repository, { tags: ['v2'], ageDays: 1 });
  for (let i = 0; i < loose; i++) b.image(repository, { ageDays: 30 + (i % 7) });
  return buildPlan(
    b.build(),
    parseConfig({
      maxDeletionsPerRun: 10_000,
      rules: { untaggedDays: 7, keepLast: [{ tagPattern: 'v*', count: 1 }] },
      ...config,
    }),
    NOW,
  ).plan;
}

function mergePlans(...plans: Plan[]): Plan {
  return {
    deletions: plans.flatMap((p) => p.deletions),
    protected: plans.flatMap((p) => p.protected),
    lifecyclePolicies: plans.flatMap((p) => p.lifecyclePolicies),
  };
}

describe('applying a plan', () => {
  it('deletes an index in an earlier call than its children, in batches of at most 100', async () => {
    const plan = planWithIndex('web', 250);
    const index = plan.deletions.find((d) => d.childDigests)!;
    const { ecr, calls } = fakeEcr();
    const { options: opts } = options(ecr);

    const result = await applyPlan(plan, opts);

    expect(result.deleted).toHaveLength(253);
    expect(calls().every((c) => c.digests.length <= 100)).toBe(true);
    const indexCall = calls().findIndex((c) => c.digests.includes(index.imageDigest));
    const childCalls = index.childDigests!.map((child) =>
      calls().findIndex((c) => c.digests.includes(child)),
    );
    expect(childCalls.every((i) => i > indexCall)).toBe(true);
  });

  it('counts ImageNotFound as already gone, not as a failure', async () => {
    const plan = planWithIndex('web', 3);
    const gone = plan.deletions[1].imageDigest;
    const { ecr } = fakeEcr((input) => {
      const ids = input.imageIds!.map((i) => i.imageDigest as string);
      return {
        deleted: ids.filter((d) => d !== gone),
        failures: ids.includes(gone) ? [{ digest: gone, code: 'ImageNotFound' }] : [],
      };
    });

    const result = await applyPlan(plan, options(ecr).options);

    expect(result.alreadyGone).toEqual([{ repository: 'web', imageDigest: gone }]);
    expect(result.failed).toEqual([]);
  });

  it('asks again about an image ECR said nothing about, and counts it deleted only if it is gone', async () => {
    const plan = planWithIndex('web', 3);
    const [silentGone, silentThere] = plan.deletions.slice(-2).map((d) => d.imageDigest);
    const { ecr, mock } = fakeEcr((input) => ({
      deleted: input
        .imageIds!.map((i) => i.imageDigest as string)
        .filter((d) => d !== silentGone && d !== silentThere),
    }));
    mock
      .on(DescribeImagesCommand, { imageIds: [{ imageDigest: silentGone }] })
      .rejects(Object.assign(new Error('not found'), { name: 'ImageNotFoundException' }))
      .on(DescribeImagesCommand, { imageIds: [{ imageDigest: silentThere }] })
      .resolves({ imageDetails: [{ imageDigest: silentThere }] });

    const result = await applyPlan(plan, options(ecr).options);

    expect(result.deleted.map((d) => d.imageDigest)).toContain(silentGone);
    expect(result.failed.map((f) => [f.imageDigest, f.code])).toEqual([[silentThere, 'NoAnswer']]);
  });

  it('logs and reports a child ECR still finds listed by an index, and carries on with other repositories', async () => {
    const web = planWithIndex('web', 2);
    const api = planWithIndex('api', 2);
    const stubborn = web.deletions.find((d) => d.childDigests)!.childDigests![0];
    const { ecr } = fakeEcr((input) => {
      const ids = input.imageIds!.map((i) => i.imageDigest as string);
      const refuse = input.repositoryName === 'web' && ids.includes(stubborn);
      return {
        deleted: ids.filter((d) => !refuse || d !== stubborn),
        failures: refuse ? [{ digest: stubborn, code: 'ImageReferencedByManifestList' }] : [],
      };
    });
    const { options: opts, entries } = options(ecr);

    const result = await applyPlan(mergePlans(web, api), opts);

    expect(result.failed).toEqual([
      {
        repository: 'web',
        imageDigest: stubborn,
        code: 'ImageReferencedByManifestList',
        message: `ImageReferencedByManifestList for ${stubborn}`,
      },
    ]);
    expect(result.deleted.filter((d) => d.repository === 'api')).toHaveLength(api.deletions.length);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'image still listed by an index; not deleted',
      }),
    );
  });

  it('retries throttled calls with jittered backoff and finishes the other repositories when one times out', async () => {
    // 40 repositories × 1,500 images; every 20th call (5%) is throttled.
    const plans = Array.from({ length: 40 }, (_, i) =>
      planWithIndex(`repo-${String(i).padStart(2, '0')}`, 1496, { maxDeletionsPerRun: 100_000 }),
    );
    let call = 0;
    const { ecr, mock, calls } = fakeEcr();
    mock.on(BatchDeleteImageCommand).callsFake((input: BatchDeleteImageCommandInput) => {
      call += 1;
      if (input.repositoryName === 'repo-13') {
        throw Object.assign(new Error('connection timed out'), { name: 'TimeoutError' });
      }
      if (call % 20 === 0) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return { imageIds: input.imageIds, failures: [] };
    });
    const { options: opts, sleeps } = options(ecr, { maxDeletions: 100_000 });

    const result = await applyPlan(mergePlans(...plans), opts);

    const perRepository = plans[0].deletions.length;
    expect(result.deleted).toHaveLength(39 * perRepository);
    expect(result.failed.every((f) => f.repository === 'repo-13')).toBe(true);
    expect(result.failed).toHaveLength(perRepository);
    expect(result.failed[0].code).toBe('TimeoutError');
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps.every((ms) => ms > 0 && ms <= 10_000)).toBe(true);
    expect(calls().filter((c) => c.repository === 'repo-13')).toHaveLength(1);
  });

  it.each([
    // maximum, deleted: the index unit (index + 2 children) comes first, being oldest
    [2, 0],
    [4, 4],
  ])(
    'honours a maximum of %s deletions again, in whole units: %s deleted',
    async (maxDeletions, deletedCount) => {
      const plan = planWithIndex('web', 5);
      const index = plan.deletions.find((d) => d.childDigests)!;
      const { ecr } = fakeEcr();

      const result = await applyPlan(plan, options(ecr, { maxDeletions }).options);

      expect(result.deleted).toHaveLength(deletedCount);
      const deleted = result.deleted.map((d) => d.imageDigest);
      for (const child of index.childDigests!) {
        expect(deleted.includes(child)).toBe(deleted.includes(index.imageDigest));
      }
      expect(result.failed.filter((f) => f.code === 'max-deletions-reached')).toHaveLength(
        plan.deletions.length - deletedCount,
      );
    },
  );

  it('puts the lifecycle policies marked "put" and records every action with its reasons in the audit log', async () => {
    const plan = planWithIndex('web', 1, { manageLifecyclePolicies: true });
    const { ecr, mock } = fakeEcr();
    const { options: opts, audit } = options(ecr);

    const result = await applyPlan(plan, opts);

    expect(
      mock.commandCalls(PutLifecyclePolicyCommand).map((c) => c.args[0].input.repositoryName),
    ).toEqual(['web']);
    expect(result.policiesPut).toEqual(['web']);
    const lines = (audit.items.get('audit/2026-12-01/run-1.jsonl') ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(plan.deletions.length + 1);
    expect(lines[0]).toEqual({
      time: NOW.toISOString(),
      runId: 'run-1',
      dryRun: false,
      action: 'delete-image',
      outcome: 'deleted',
      repository: 'web',
      imageDigest: plan.deletions[0].imageDigest,
      tags: ['v1'],
      reasons: plan.deletions[0].reasons,
      reclaimableBytes: plan.deletions[0].reclaimableBytes,
    });
    expect(lines.at(-1)).toMatchObject({
      action: 'put-lifecycle-policy',
      outcome: 'put',
      repository: 'web',
    });
  });

  it('makes zero BatchDeleteImage and zero PutLifecyclePolicy calls in a dry run over 60 candidates', async () => {
    const plan = planWithIndex('web', 57, { manageLifecyclePolicies: true });
    expect(plan.deletions.length).toBeGreaterThanOrEqual(50);
    expect(plan.lifecyclePolicies.filter((p) => p.action === 'put')).toHaveLength(1);
    const { ecr, mock } = fakeEcr();
    const { options: opts, audit } = options(ecr, { dryRun: true });

    const result = await applyPlan(plan, opts);

    expect(mock.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
    expect(mock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
    expect(mock.calls()).toHaveLength(0);
    expect(result.deleted).toEqual([]);
    const lines = (audit.items.get('audit/2026-12-01/run-1.jsonl') ?? '').trim().split('\n');
    expect(lines).toHaveLength(plan.deletions.length + 1);
    expect(lines.every((line) => JSON.parse(line).outcome === 'dry-run')).toBe(true);
  });

  it('reports a policy that cannot be put and still deletes what it should', async () => {
    const plan = planWithIndex('web', 2, { manageLifecyclePolicies: true });
    const { ecr, mock } = fakeEcr();
    mock
      .on(PutLifecyclePolicyCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const result = await applyPlan(plan, options(ecr).options);

    expect(result.deleted).toHaveLength(plan.deletions.length);
    expect(result.failed).toEqual([
      { repository: 'web', code: 'AccessDeniedException', message: 'denied' },
    ]);
  });
});
