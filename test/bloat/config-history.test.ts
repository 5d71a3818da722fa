/**
 * Real image configs (test/fixtures/images/configs, see SOURCES.md there):
 * what the history alone says about each, positive and negative controls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseImage, type ImageAnalysis } from '../../lambda/analyse/bloat/analyse-image';
import { historySteps, parseConfig, parseCreatedBy } from '../../lambda/analyse/bloat/history';

const CONFIGS = join(__dirname, '../fixtures/images/configs');

function analyse(name: string): ImageAnalysis {
  return analyseImage({
    repository: 'fixtures',
    imageDigest: 'sha256:0',
    image: `fixtures:${name}`,
    config: readFileSync(join(CONFIGS, `${name}.json`), 'utf8'),
    summaries: {},
    pricePerGbMonthUsd: 0.1,
  });
}

function codes(analysis: ImageAnalysis): Array<[string, number | undefined]> {
  return analysis.findings.map((f) => [f.code, f.historyIndex]);
}

describe('history parsing', () => {
  it.each([
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD', '["bash"]'],
    ['/bin/sh -c apt-get update', 'RUN', 'apt-get update'],
    ['RUN /bin/sh -c rm /node # buildkit', 'RUN', 'rm /node'],
    ['COPY node / # buildkit', 'COPY', 'node /'],
    [
      'LABEL maintainer=Jessie Frazelle <jess@linux.com>',
      'LABEL',
      'maintainer=Jessie Frazelle <jess@linux.com>',
    ],
    ['RUN rm -rf /root/example/', 'RUN', 'rm -rf /root/example/'],
    ['ADD README.md /somefile.txt', 'ADD', 'README.md /somefile.txt'],
    ['|4 A=1 B=2 C=3 D=4 /bin/sh -c set -ex && yum update -y', 'RUN', 'set -ex && yum update -y'],
    ['bazel build ...', 'OTHER', 'bazel build ...'],
  ])('reads %j as %s', (createdBy, kind, text) => {
    expect(parseCreatedBy(createdBy)).toMatchObject({ kind, text });
  });

  it('maps layers by empty_layer, not by #(nop): a RUN can be empty and a WORKDIR a layer', () => {
    const node = historySteps(
      parseConfig(readFileSync(join(CONFIGS, 'node-10.4.0-dockergoof.json'), 'utf8')),
    );
    expect(node).toHaveLength(14);
    expect(node[3].kind).toBe('RUN');
    expect(node[3].layerIndex).toBeUndefined();
    expect(node.filter((s) => s.layerIndex !== undefined)).toHaveLength(9);
    const anchore = historySteps(
      parseConfig(readFileSync(join(CONFIGS, 'anchore-engine-0.8.1-multistage.json'), 'utf8')),
    );
    expect(anchore).toHaveLength(20);
    expect(anchore[0]).toMatchObject({ createdBy: '', layerIndex: 0 });
    expect(anchore[1]).toMatchObject({ createdBy: '', layerIndex: 1 });
    expect(anchore[13]).toMatchObject({ kind: 'WORKDIR', layerIndex: 4 });
    expect(anchore.filter((s) => s.layerIndex !== undefined)).toHaveLength(7);
  });
});

describe('what the history of each real config says', () => {
  it('node-10.4.0-dockergoof: heavy base, tool chain, apt hygiene of the user step; clean steps unflagged', () => {
    const analysis = analyse('node-10.4.0-dockergoof');
    expect(codes(analysis)).toEqual(
      expect.arrayContaining([
        ['heavy-base-image', 8],
        ['toolchain-in-image', 5],
        ['apt-install-hygiene', 13],
      ]),
    );
    const smaller = analysis.tips.find((t) => t.code === 'smaller-base')!;
    expect(smaller.change).toMatch(/node:10-slim or node:10-alpine/);
    expect(smaller.basis).toBe('estimated');
    expect(smaller.caveat).toMatch(/service's own checks/);
    const hygiene = analysis.findings.find((f) => f.code === 'apt-install-hygiene')!;
    expect(hygiene.message).toMatch(/no apt-get update in the same RUN/);
    expect(hygiene.message).toMatch(/no --no-install-recommends/);
    expect(hygiene.message).toMatch(/imagemagick already installed by an earlier step/);
    for (const clean of [2, 4, 5]) {
      expect(
        analysis.findings.filter((f) => f.code === 'apt-lists-left' && f.historyIndex === clean),
      ).toEqual([]);
    }
    expect(analysis.baseImage).toMatchObject({ language: 'node', buildpackDeps: true });
  });

  it('anchore-engine: copy then rm in a later layer, yum caches; pip from local wheels is not flagged', () => {
    const analysis = analyse('anchore-engine-0.8.1-multistage');
    expect(codes(analysis)).toEqual(
      expect.arrayContaining([
        ['deleted-later', 6],
        ['yum-cache-left', 12],
        ['yum-cache-left', 15],
        ['secret-in-env', expect.any(Number)],
      ]),
    );
    expect(analysis.findings.some((f) => f.code === 'pip-cache-left')).toBe(false);
    const secret = analysis.findings.find((f) => f.code === 'secret-in-env')!;
    expect(secret.security).toBe(true);
    expect(secret.message).toMatch(/ANCHORE_ADMIN_PASSWORD/);
    expect(secret.message).not.toMatch(/foobar/);
    expect(analysis.tips.find((t) => t.code === 'delete-in-same-layer')?.change).toMatch(
      /--mount=type=bind/,
    );
  });

  it('httpd (negative control): build deps purged in the same RUN, lists cleaned: no tool chain, no apt finding', () => {
    const analysis = analyse('httpd-2.4.23-debian');
    expect(analysis.findings.map((f) => f.code)).not.toEqual(
      expect.arrayContaining(['toolchain-in-image']),
    );
    expect(analysis.findings.filter((f) => /apt/.test(f.code))).toEqual([]);
  });

  it('debian-gcc-buildkit: tool chain tip with low confidence, no apt finding', () => {
    const analysis = analyse('debian-gcc-buildkit');
    expect(codes(analysis)).toEqual([['toolchain-in-image', 3]]);
    expect(analysis.tips[0]).toMatchObject({ code: 'multi-stage', historyIndex: 3 });
    expect(analysis.tips[0].caveat).toMatch(/Low confidence/);
  });

  it('debian-apt-update-upgrade: apt lists left (a guess from history), upgrade in the build', () => {
    const analysis = analyse('debian-apt-update-upgrade');
    expect(codes(analysis)).toEqual(
      expect.arrayContaining([
        ['apt-lists-left', 2],
        ['upgrade-in-build', 2],
      ]),
    );
    const tip = analysis.tips.find((t) => t.code === 'clean-cache')!;
    expect(tip.basis).toBe('estimated');
    expect(tip.caveat).toMatch(/guess/i);
  });

  it('alpine-apk-add-no-cache-flag: apk cache, a credential file (security), ADD where COPY would do', () => {
    const analysis = analyse('alpine-apk-add-no-cache-flag');
    expect(codes(analysis)).toEqual(
      expect.arrayContaining([
        ['apk-cache-left', 2],
        ['secret-file', 3],
        ['add-instead-of-copy', 3],
      ]),
    );
    expect(analysis.findings.find((f) => f.code === 'secret-file')?.security).toBe(true);
    expect(analysis.tips.find((t) => t.code === 'clean-cache')?.change).toMatch(/--no-cache/);
  });

  it('busybox-copy-then-rm: the COPY whose file a later RUN deletes', () => {
    const analysis = analyse('busybox-copy-then-rm');
    expect(codes(analysis)).toEqual([['deleted-later', 2]]);
    expect(analysis.tips[0].instruction).toBe('COPY node /');
  });

  it.each(['dive-test-image-many-layers', 'dive-test-image-kaniko'])(
    '%s: many small RUN layers, and rm of what earlier steps made',
    (name) => {
      const analysis = analyse(name);
      expect(codes(analysis)).toEqual(
        expect.arrayContaining([
          ['many-small-layers', 3],
          ['deleted-later', 3],
        ]),
      );
    },
  );

  it.each([
    'alpine-3.10',
    'nginx-1.17.0-debian',
    'hello-world-scratch',
    'distroless-base-bazel',
    'scratch-buildkit-copies',
  ])('%s (negative control): no findings', (name) => {
    const analysis = analyse(name);
    expect(analysis.findings).toEqual([]);
    expect(analysis.tips).toEqual([]);
    expect(analysis.bloatBytes).toBe(0);
  });

  it('detects alpine as the base of alpine:3.10', () => {
    expect(analyse('alpine-3.10').baseImage).toMatchObject({
      distribution: 'alpine',
      variant: 'alpine',
    });
  });

  it('treats the 1970 timestamps of a reproducible build as nothing special', () => {
    const analysis = analyse('distroless-base-bazel');
    expect(analysis.baseImage.distribution).toBe('distroless');
    expect(JSON.stringify(analysis)).not.toMatch(/NaN|Infinity/);
  });
});
