import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the CLI with no AWS credentials and no way to reach anything but loopback. */
function cli(args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
  const result = spawnSync(TSX, ['bin/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      ...env,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the ecr-janitor command line', () => {
  it('rejects an unknown output format, naming the allowed ones', () => {
    const { code, stderr } = cli(['report', '--snapshot', 'sample/fleet.json', '--format', 'xml']);
    expect(code).not.toBe(0);
    expect(stderr).toContain("argument 'xml' is invalid");
    expect(stderr).toContain('text, json, markdown, html, slack, email');
  });

  it('rejects a --now that is not an ISO-8601 instant', () => {
    const { code, stderr } = cli([
      'report',
      '--snapshot',
      'sample/fleet.json',
      '--now',
      'yesterday',
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('"yesterday" is not an ISO-8601 instant');
  });

  it('rejects a --now without a time zone, as the Lambda payload does', () => {
    const { code, stderr } = cli([
      'report',
      '--snapshot',
      'sample/fleet.json',
      '--now',
      '2026-12-01T00:00:00',
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('with a time zone, such as 2026-01-31T00:00:00Z');
  });

  it('says it cannot write --output before scanning, instead of failing after', () => {
    const { code, stderr } = cli([
      'report',
      '--snapshot',
      'sample/fleet.json',
      '--output',
      'no/such/dir/d.txt',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot write the digest to no/such/dir/d.txt');
    expect(stderr).not.toContain('    at ');
  });

  it('says which snapshot file it cannot read and exits 2', () => {
    const { code, stderr } = cli(['report', '--snapshot', 'no/such/fleet.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read snapshot no/such/fleet.json');
  });

  it('says a snapshot of another version must be taken again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'snap-')), 'old.json');
    writeFileSync(file, JSON.stringify({ version: 0, repositories: [], manifests: {} }));
    const { code, stderr } = cli(['report', '--snapshot', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('has version 0, but this release reads version 1');
  });

  it('names the bad field of an invalid configuration file before touching AWS', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'janitor.yaml');
    writeFileSync(file, 'maxDeletionsPerRun: -3\n');
    const { code, stderr } = cli(['report', '--config', file, '--snapshot', 'sample/fleet.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('maxDeletionsPerRun');
    expect(stderr).toContain('received -3');
  });

  it('addresses the email rendering to the configured sender and recipients', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'janitor.yaml');
    writeFileSync(
      file,
      'notify:\n  email:\n    from: janitor@example.com\n    to: [team@example.com]\n',
    );
    const { code, stdout } = cli([
      'report',
      '--snapshot',
      'sample/fleet.json',
      '--config',
      file,
      '--format',
      'email',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^From: janitor@example\.com$/m);
    expect(stdout).toMatch(/^To: team@example\.com$/m);
  });

  it('refuses to apply without --yes', () => {
    const { code, stderr } = cli(['apply']);
    expect(code).toBe(2);
    expect(stderr).toContain('needs --yes');
  });

  it('names the profile that has no credentials', () => {
    const { code, stderr } = cli(['report', '--profile', 'nope'], {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('no AWS credentials for the profile "nope"');
  });

  it('explains missing AWS credentials instead of failing with an SDK stack trace', () => {
    const { code, stderr } = cli(['report'], {
      AWS_REGION: 'eu-west-1',
      // Nothing listens here: no request can leave the machine.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('no AWS credentials found');
    expect(stderr).not.toContain('    at ');
  });
});
