import { join } from 'node:path';
import { buildProgram } from '../../lambda/cli/program';
import { ThresholdError } from '../../lambda/cli/inspect';

const DIVE = join(__dirname, '../fixtures/images/dive');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = buildProgram({ stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
  let error: unknown;
  try {
    await program.parseAsync(['node', 'ecr-janitor', ...args]);
  } catch (caught) {
    error = caught;
  }
  return { stdout: out.join(''), stderr: err.join(''), error };
}

describe('ecr-janitor inspect', () => {
  it('prints the JSON contract for a docker save archive', async () => {
    const { stdout, error } = await run([
      'inspect',
      join(DIVE, 'test-docker-image.tar'),
      '--format',
      'json',
    ]);
    expect(error).toBeUndefined();
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      image: expect.stringContaining('test-docker-image.tar'),
      totalBytes: expect.any(Number),
      hiddenBytes: 19215,
      duplicateBytes: 12810,
      bloatBytes: 32025,
      dive: {
        efficiency: 0.9844212134184309,
        wastedBytes: 32025,
        userWastedPercent: 0.4834911001404049,
      },
      findings: expect.any(Array),
      tips: expect.any(Array),
    });
    expect(report.layers).toHaveLength(14);
    // /somefile.txt copied to four other paths: listed, with a tip, but not counted as bloat.
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'identical-copies',
          sizeBytes: 0,
          message: expect.stringMatching(/25\.6 kB of extra copies/),
        }),
      ]),
    );
    expect(report.tips).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'dedupe-copies', savedBytes: 25620 }),
      ]),
    );
    // Findings add up to the bloat bytes.
    expect(
      report.findings.reduce((sum: number, f: { sizeBytes: number }) => sum + f.sizeBytes, 0),
    ).toBe(report.bloatBytes);
  });

  it('says why userWastedPercent is null instead of printing NaN', async () => {
    const { stdout } = await run([
      'inspect',
      join(DIVE, 'test-oci-zstd-image.tar'),
      '--format',
      'json',
    ]);
    expect(stdout).not.toMatch(/:\s*(NaN|Infinity|null,\s*"userWastedPercentNote": "")/);
    const report = JSON.parse(stdout);
    expect(report.dive.userWastedPercent).toBeNull();
    expect(report.dive.userWastedPercentNote).toMatch(/no bytes above its first layer/);
  });

  it('fails a CI threshold with a clear message and still prints the report', async () => {
    const { stdout, error } = await run([
      'inspect',
      join(DIVE, 'test-docker-image.tar'),
      '--min-efficiency',
      '0.99',
      '--max-wasted-bytes',
      '20000000',
    ]);
    expect(error).toBeInstanceOf(ThresholdError);
    expect((error as Error).message).toMatch(
      /fails min-efficiency \(0.9844212134184309 against a limit of 0.99\)/,
    );
    expect(stdout).toMatch(/FAIL min-efficiency/);
    expect(stdout).toMatch(/PASS max-wasted-bytes/);
  });

  it("passes dive's own CI rules for its test image (efficiency 0.9, 20 MB, user wasted 0.9)", async () => {
    const { error } = await run([
      'inspect',
      join(DIVE, 'test-docker-image.tar'),
      '--min-efficiency',
      '0.9',
      '--max-wasted-bytes',
      '20000000',
      '--max-user-wasted-percent',
      '0.9',
    ]);
    expect(error).toBeUndefined();
  });

  it('refuses a plain file system tar with the reason', async () => {
    const { error } = await run(['inspect', join(DIVE, 'test-gzip-image.tar')]);
    expect((error as Error).message).toMatch(/not an image archive/);
  });
});

describe('ecr-janitor inspect on a Dockerfile', () => {
  it('analyses it as a Dockerfile and prints its findings with line numbers', async () => {
    const file = join(
      __dirname,
      '../fixtures/images/dockerfiles/copy-all-before-yarn-install.Dockerfile',
    );
    const { stdout, error } = await run(['inspect', file, '--format', 'json']);
    expect(error).toBeUndefined();
    const report = JSON.parse(stdout);
    expect(report.finalStages).toEqual(['node:18-alpine']);
    expect(report.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'copy-before-install', line: 3 })]),
    );
  });
});
