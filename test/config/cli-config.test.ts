/** An invalid configuration stops `apply --yes` before anything is scanned, planned or changed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReportCommand } from '../../lambda/cli/report';
import { ConfigError } from '../../lambda/errors';

describe('an invalid configuration given to the CLI', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'janitor-config-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('fails with the field, the value and the fix before any AWS client is made', async () => {
    const written: string[] = [];
    const io = {
      stdout: (t: string) => void written.push(t),
      stderr: (t: string) => void written.push(t),
      env: {},
    };

    const error = await runReportCommand(
      {
        config: join(__dirname, '..', 'fixtures', 'config', 'five-wildcards.yaml'),
        format: 'json',
        stateDir,
        apply: true,
        yes: true,
        region: 'eu-west-1',
      },
      io,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      'rules.protectTags.0: a tag pattern may contain at most four "*" wildcards (the ECR lifecycle limit) (received "a*b*c*d*e*f"); fix: use fewer "*", or split it into several patterns',
    );
    expect(written).toEqual([]);
  });
});
