import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { RunDeps, RunRequest } from '../../lambda/run';
import { readEnvironment } from '../../lambda/handler/environment';
import { handleInvocation, type RunResult } from '../../lambda/handler/invoke';
import type { DeliveryResult } from '../../lambda/notify';
import { digest, environment } from './fixtures';
import { context, fakeDeps } from './fakes';

const scheduled = { source: 'ecr-janitor.schedule', scheduledTime: '2026-12-03T03:00:00Z' };
const emailConfig = {
  notify: { email: { from: 'janitor@example.com', to: ['team@example.com'] } },
};

/** A run that records what it was asked and answers with a fixed digest. */
function fakeRun(answer = digest()) {
  const calls: { request: RunRequest; deps: RunDeps }[] = [];
  const run = async (request: RunRequest, deps: RunDeps) => {
    calls.push({ request, deps });
    return { runId: deps.runId ?? 'x', digest: answer, inventory: { repositories: [] } as never };
  };
  return { run, calls };
}

const render = (_digest: unknown, format: string) => `<${format} report>`;

describe('the handler', () => {
  it('rejects a bad payload with an error result, before scanning or storing anything', async () => {
    const { run, calls } = fakeRun();
    const { deps, s3, metrics, log } = fakeDeps({ run });

    const result = await handleInvocation({ dryRun: 'please' }, context(), deps);

    expect(result).toMatchObject({
      ok: false,
      runId: 'run-0001',
      error: { name: 'PayloadError', message: expect.stringMatching(/dryRun: .*"please"/) },
    });
    expect(calls).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(metrics.published).toBe(0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        extra: expect.objectContaining({ runId: 'run-0001' }),
      }),
    );
  });

  it('runs a scheduled event with the deployed mode, S3 stores and the time left', async () => {
    const { run, calls } = fakeRun();
    const { deps } = fakeDeps({ run, render });

    await handleInvocation(scheduled, context(300_000), deps);

    expect(calls).toHaveLength(1);
    const [{ request, deps: runDeps }] = calls;
    expect(request).toEqual({
      config: environment().config,
      dryRun: true,
      now: new Date('2026-12-03T03:00:00Z'),
    });
    expect(runDeps.runId).toBe('run-0001');
    expect(runDeps.cache.locate('manifests/x')).toBe('s3://janitor-bucket/cache/manifests/x');
    expect(runDeps.state.locate('runs/latest.json')).toBe('s3://janitor-bucket/runs/latest.json');
    expect(runDeps.remainingTimeMs?.()).toBe(240_000);
  });

  it('stores the full report and the JSON digest, and links the report in the delivery', async () => {
    const { run } = fakeRun();
    const delivered: { reportUrl?: string }[] = [];
    const { deps, s3 } = fakeDeps({
      run,
      render,
      environment: () => environment(emailConfig),
      deliver: async (_digest, targets) => {
        delivered.push(targets);
        return [{ channel: 'email', ok: true }];
      },
    });

    const result = (await handleInvocation(scheduled, context(), deps)) as RunResult;

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toEqual([
      expect.objectContaining({
        Key: 'reports/2026/12/03/run-0001.json',
        Body: '<json report>',
        ContentType: 'application/json',
      }),
      expect.objectContaining({
        Key: 'reports/2026/12/03/run-0001.html',
        Body: '<html report>',
        ContentType: 'text/html; charset=utf-8',
      }),
    ]);
    expect(result.report).toBe('s3://janitor-bucket/reports/2026/12/03/run-0001.html');
    expect(delivered[0].reportUrl).toMatch(
      /^https:\/\/janitor-bucket\.s3\.eu-west-1\.amazonaws\.com\/reports\/2026\/12\/03\/run-0001\.html\?.*X-Amz-Expires=3600/,
    );
  });

  it('answers with the run id, mode, totals and deliveries, and publishes the metrics', async () => {
    const { run } = fakeRun(digest({ dryRun: false }));
    const { deps, metrics } = fakeDeps({
      run,
      render,
      environment: () => environment({ ...emailConfig, mode: 'enforce' }),
      deliver: async () => [{ channel: 'email', ok: true }],
    });

    const result = await handleInvocation(scheduled, context(), deps);

    expect(result).toEqual({
      ok: true,
      runId: 'run-0001',
      trigger: 'schedule',
      dryRun: false,
      partial: false,
      totals: {
        repositoryCount: 2,
        storedBytes: 5_000_000_000,
        reclaimableBytes: 1_200_000_000,
        wastedBytes: 1_500_000_000,
        proposedDeletionCount: 4,
        deletedCount: 0,
      },
      report: 's3://janitor-bucket/reports/2026/12/03/run-0001.html',
      deliveries: [{ channel: 'email', ok: true }],
      warningCount: 0,
    });
    expect(metrics.metrics).toEqual({
      StoredBytes: 5_000_000_000,
      ReclaimableBytes: 1_200_000_000,
      WastedBytes: 1_500_000_000,
      DeletedImages: 0,
      ProposedDeletions: 4,
      PartialRuns: 0,
      Deliveries: 1,
      DeliveryFailures: 0,
    });
    expect(metrics.published).toBe(1);
  });

  it.each<[string, () => Promise<DeliveryResult[]>]>([
    [
      'reports a failed channel',
      async () => [{ channel: 'email', ok: false, error: 'SES said no' }],
    ],
    [
      'throws',
      async () => {
        throw new Error('SES unreachable');
      },
    ],
  ])(
    'keeps the cleanup result when delivery %s, and counts the failure',
    async (_case, deliver) => {
      const { run } = fakeRun(digest({ dryRun: false }));
      const { deps, metrics, log } = fakeDeps({
        run,
        render,
        environment: () => environment({ ...emailConfig, mode: 'enforce' }),
        deliver,
      });

      const result = (await handleInvocation(scheduled, context(), deps)) as RunResult;

      expect(result.ok).toBe(true);
      expect(result.dryRun).toBe(false);
      expect(result.deliveries).toEqual([
        { channel: 'email', ok: false, error: expect.stringMatching(/SES/) },
      ]);
      expect(metrics.metrics.DeliveryFailures).toBe(1);
      expect(log.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'digest delivery failed' }),
      );
    },
  );

  it('still emails the digest when the Slack token cannot be read', async () => {
    const { run } = fakeRun();
    const targetsSeen: string[][] = [];
    const { deps } = fakeDeps({
      run,
      render,
      environment: () =>
        environment({
          notify: { ...emailConfig.notify, slack: { channel: '#platform' } },
        }),
      slackToken: () => async () => {
        throw new Error('AccessDeniedException');
      },
      deliver: async (_digest, targets) => {
        targetsSeen.push(Object.keys(targets).filter((k) => k === 'slack' || k === 'email'));
        return [{ channel: 'email', ok: true }];
      },
    });

    const result = (await handleInvocation(scheduled, context(), deps)) as RunResult;

    expect(targetsSeen).toEqual([['email']]);
    expect(result.deliveries).toEqual([
      {
        channel: 'slack',
        ok: false,
        error: 'could not read the Slack token: AccessDeniedException',
      },
      { channel: 'email', ok: true },
    ]);
  });

  it('keeps the digest link out when the report cannot be stored, and still delivers', async () => {
    const { run } = fakeRun();
    const delivered: { reportUrl?: string }[] = [];
    const { deps, s3 } = fakeDeps({
      run,
      render,
      environment: () => environment(emailConfig),
      deliver: async (_digest, targets) => {
        delivered.push(targets);
        return [{ channel: 'email', ok: true }];
      },
    });
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));

    const result = (await handleInvocation(scheduled, context(), deps)) as RunResult;

    expect(result.report).toBeUndefined();
    expect(delivered).toEqual([
      { reportUrl: undefined, topRepositories: 10, email: expect.anything() },
    ]);
  });

  it('does not deliver when the payload says notify false', async () => {
    const { run } = fakeRun();
    let deliveries = 0;
    const { deps } = fakeDeps({
      run,
      render,
      environment: () => environment(emailConfig),
      deliver: async () => {
        deliveries += 1;
        return [];
      },
    });

    const result = (await handleInvocation({ notify: false }, context(), deps)) as RunResult;

    expect(deliveries).toBe(0);
    expect(result.deliveries).toEqual([]);
  });

  it('fails the invocation when the run itself fails, so the errors alarm sees it', async () => {
    const { deps } = fakeDeps({
      run: async () => {
        throw new Error('scan failed: throttled');
      },
    });

    await expect(handleInvocation(scheduled, context(), deps)).rejects.toThrow('scan failed');
  });

  it('fails the invocation with a named error when the deployment left a variable out', async () => {
    const { run, calls } = fakeRun();
    const { deps } = fakeDeps({
      run,
      environment: () => readEnvironment({ JANITOR_CONFIG: '{}' }),
    });

    await expect(handleInvocation(scheduled, context(), deps)).rejects.toThrow(
      expect.objectContaining({
        name: 'EnvironmentError',
        message: expect.stringContaining('JANITOR_BUCKET is not set'),
      }),
    );
    expect(calls).toHaveLength(0);
  });
});
