/**
 * Times `npm start` (the report on the bundled sample fleet) end to end, as
 * a user runs it: a fresh process each time, startup included.
 *
 *   npm run bench:start
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const RUNS = 3;

const timesMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['bin/cli.ts', 'report', '--snapshot', 'sample/fleet.json', '--config', 'sample/janitor.yaml'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  timesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.exit(1);
  }
}
const sorted = [...timesMs].sort((a, b) => a - b);
process.stdout.write(
  `npm start on the sample fleet, ${RUNS} runs: ${timesMs.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}; median ${(sorted[1] / 1000).toFixed(2)} s (target: under 10 s)\n`,
);
