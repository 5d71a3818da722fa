/** The Dockerfiles of test/fixtures/images/dockerfiles (see SOURCES.md beside the configs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDockerfile, parseDockerfile } from '../../lambda/analyse/bloat/dockerfile';

const DIR = join(__dirname, '../fixtures/images/dockerfiles');

function analyse(name: string) {
  return analyseDockerfile(readFileSync(join(DIR, `${name}.Dockerfile`), 'utf8'), {
    name,
    pricePerGbMonthUsd: 0.1,
  });
}

const codes = (name: string) => analyse(name).findings.map((f) => [f.code, f.line]);

describe('Dockerfile analysis', () => {
  it('joins continuation lines, drops comments, and keeps BuildKit flags apart', () => {
    const instructions = parseDockerfile(
      'FROM x AS b\n# comment\nRUN --mount=type=cache,target=/root/.cache \\\n  # inner comment\n  go build \\\n  ./...\nCOPY --from=b /a /b\n',
    );
    expect(instructions.map((i) => [i.keyword, i.text, i.flags, i.line])).toEqual([
      ['FROM', 'x AS b', [], 1],
      ['RUN', 'go build ./...', ['--mount=type=cache,target=/root/.cache'], 3],
      ['COPY', '/a /b', ['--from=b'], 7],
    ]);
  });

  it('node-full-base: heavy base (node:10-slim or -alpine) and apt hygiene', () => {
    expect(codes('node-full-base-apt-install-no-cleanup')).toEqual([
      ['heavy-base-image', 1],
      ['apt-install-hygiene', 3],
    ]);
    expect(analyse('node-full-base-apt-install-no-cleanup').tips[0].caveat).toMatch(
      /service's own checks/,
    );
  });

  it('copy-all-before-yarn-install: copy order, and no heavy-base tip for node:18-alpine', () => {
    const analysis = analyse('copy-all-before-yarn-install');
    expect(analysis.findings.map((f) => f.code)).toContain('copy-before-install');
    expect(analysis.findings.map((f) => f.code)).not.toContain('heavy-base-image');
    expect(analysis.tips.find((t) => t.code === 'copy-order')?.change).toMatch(
      /package\.json yarn\.lock/,
    );
  });

  it('pip-without-no-cache-dir: pip cache, and no copy-order tip (requirements are copied first)', () => {
    expect(codes('pip-without-no-cache-dir')).toEqual([['pip-cache-left', 6]]);
  });

  it('ubi-gcc-make-single-stage: multi-stage tip (gcc pinned to a version), yum cleaned after the install, upgrade in the build', () => {
    const found = codes('ubi-gcc-make-single-stage');
    expect(found).toEqual(
      expect.arrayContaining([
        ['toolchain-in-image', 5],
        ['upgrade-in-build', 5],
      ]),
    );
    expect(found.map(([code]) => code)).not.toContain('yum-cache-left');
  });

  it('apt-install-no-cleanup: lists left and no --no-install-recommends', () => {
    const found = codes('apt-install-no-cleanup');
    expect(found).toEqual(
      expect.arrayContaining([
        ['apt-lists-left', 21],
        ['apt-install-hygiene', 21],
      ]),
    );
    expect(
      analyse('apt-install-no-cleanup').findings.find((f) => f.code === 'apt-install-hygiene')
        ?.message,
    ).toMatch(/no --no-install-recommends/);
  });

  it('rm-in-separate-layer: the rm of a file an earlier RUN wrote, ranked low (tiny bytes)', () => {
    const analysis = analyse('rm-in-separate-layer');
    expect(analysis.findings.map((f) => [f.code, f.line])).toEqual([['deleted-later', 17]]);
    expect(analysis.tips[0].savedBytes).toBe(0);
  });

  it('buildkit-cache-mount-multistage (the good example): only the copy order in the builder stage', () => {
    const analysis = analyse('buildkit-cache-mount-multistage');
    expect(analysis.findings.map((f) => f.code)).toEqual(['copy-before-install']);
    // The certs stage's apt update without cleanup never reaches the final image.
    expect(analysis.finalStages).not.toContain('certs');
  });

  it('silences cache tips for RUN --mount=type=cache, and ignores builder stages for size', () => {
    const analysis = analyseDockerfile(
      [
        'FROM debian:12 AS build',
        'RUN apt-get update',
        'RUN apt-get install -y gcc',
        'FROM debian:12-slim',
        'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl',
        'COPY --from=build /out /app',
      ].join('\n'),
      { name: 'x', pricePerGbMonthUsd: 0.1 },
    );
    expect(analysis.findings).toEqual([]);
  });

  it('suggests distroless for a Go SDK image used as the final stage, with the verify caveat', () => {
    const analysis = analyseDockerfile(
      'FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
      {
        name: 'x',
        pricePerGbMonthUsd: 0.1,
      },
    );
    const tip = analysis.tips.find((t) => t.code === 'smaller-base')!;
    expect(tip.change).toMatch(/distroless\/static/);
    expect(tip.caveat).toMatch(/service's own checks/);
  });
});
