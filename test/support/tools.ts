/**
 * System programs the integration tests need. `scripts/setup-test-tools.sh`
 * (run by `npm test` before jest) installs them; a test that still finds one
 * missing fails at once with the command to run, and is never skipped.
 */
import { execFileSync } from 'node:child_process';

const INSTALL_HINT: Record<string, string> = {
  moto_server: "pip install 'moto[server]'",
  'docker-registry': 'apt-get install -y docker-registry',
  umoci: 'apt-get install -y umoci',
  skopeo: 'apt-get install -y skopeo',
  chromium: 'apt-get install -y chromium',
};

export function requireTool(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${name} is required by this test but is not installed. Run: ${INSTALL_HINT[name] ?? `install ${name}`} (or bash scripts/setup-test-tools.sh)`,
    );
  }
}
