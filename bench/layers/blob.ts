/**
 * The benchmark's input: a gzip layer blob of real files (part of /usr/lib,
 * about 1 GB uncompressed), built once and kept under the temp folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_DIR = join(tmpdir(), 'ecr-janitor-bench');
const TARGET_BYTES = 1_000_000_000;
const CANDIDATES = [
  'x86_64-linux-gnu',
  'gcc',
  'python3.11',
  'python3',
  'postgresql',
  'git-core',
  'udev',
  'llvm-14',
  'jvm',
];

function duBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/** Returns the path of the blob, building it first when it is missing. */
export function ensureBlob(log: (line: string) => void): string {
  const blob = join(BENCH_DIR, 'usr-lib-layer.tar.gz');
  if (existsSync(blob)) return blob;
  mkdirSync(BENCH_DIR, { recursive: true });
  const chosen: string[] = [];
  let total = 0;
  for (const name of CANDIDATES) {
    const path = join('/usr/lib', name);
    if (!existsSync(path) || total >= TARGET_BYTES) continue;
    chosen.push(name);
    total += duBytes(path);
  }
  log(
    `building the benchmark layer once: tar of /usr/lib/{${chosen.join(',')}} (~${(total / 1e9).toFixed(2)} GB), gzip -6 …`,
  );
  const partial = `${blob}.partial`;
  execFileSync('sh', [
    '-c',
    `tar -C /usr/lib -cf - ${chosen.join(' ')} 2>/dev/null | gzip -6 > '${partial}'`,
  ]);
  renameSync(partial, blob);
  log(`built ${blob} (${(statSync(blob).size / 1e6).toFixed(0)} MB compressed)`);
  return blob;
}
