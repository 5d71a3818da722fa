/**
 * The tip cases of field-failures.md ("Tips", "Copies are not all waste",
 * "Empty things"), over synthetic layer summaries and configs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseImage } from '../../lambda/analyse/bloat/analyse-image';
import { stackLayers } from '../../lambda/analyse/bloat/stack';
import type { LayerEntry, LayerSummary } from '../../lambda/model/layer';

const MB = 1_000_000;

function file(path: string, sizeBytes: number): LayerEntry {
  return { path, sizeBytes, type: 'file' };
}

function config(history: Array<string | [string, true]>): string {
  return JSON.stringify({
    config: { Cmd: ['node', 'server.js'] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: history.map((entry) =>
      Array.isArray(entry) ? { created_by: entry[0], empty_layer: true } : { created_by: entry },
    ),
  });
}

function imageOf(layers: LayerEntry[][], history: Array<string | [string, true]>, measured = true) {
  const summaries: Record<string, LayerSummary> = {};
  const refs = layers.map((entries, i) => {
    const digest = `sha256:${String(i).padStart(64, '0')}`;
    const sizeBytes = entries.reduce((sum, e) => sum + e.sizeBytes, 0);
    if (measured) summaries[digest] = { digest, sizeBytes, entries };
    return {
      digest,
      sizeBytes: Math.round(sizeBytes / 2),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    };
  });
  return analyseImage({
    repository: 'svc',
    imageDigest: 'sha256:abc',
    image: 'svc:1',
    config: config(history),
    layers: refs,
    summaries,
    pricePerGbMonthUsd: 0.1,
  });
}

describe('copies are not all waste', () => {
  it('counts a chown -R layer that re-ships a 900 MB install as ~900 MB, not 1.8 GB, and points at COPY --chown', () => {
    const install = Array.from({ length: 90 }, (_, i) =>
      file(`app/node_modules/pkg${i}/index.js`, 10 * MB),
    );
    const analysis = imageOf(
      [install, install.map((e) => ({ ...e }))],
      ['COPY dir:abc in /app', 'RUN /bin/sh -c chown -R node:node /app'],
    );
    expect(analysis.duplicateBytes).toBe(900 * MB);
    expect(analysis.hiddenBytes).toBe(0);
    expect(analysis.bloatBytes).toBe(900 * MB);
    expect(analysis.dive?.wastedBytes).toBe(1800 * MB);
    const tip = analysis.tips[0];
    expect(tip).toMatchObject({
      code: 'copy-chown',
      // 900 MB of files, in layers the registry stores at half their size
      fileBytes: 900 * MB,
      savedBytes: 450 * MB,
      basis: 'measured',
      historyIndex: 1,
    });
    expect(tip.instruction).toBe('RUN chown -R node:node /app');
    expect(tip.change).toMatch(/COPY --chown=/);
    expect(tip.change).toMatch(/same RUN/);
    expect(tip.monthlyCostUsd).toBe(0.05);
  });
});

describe('tips', () => {
  it('say nothing about combining RUN steps of a builder stage that never reaches the final image', () => {
    // A multi-stage build's history holds only the final stage: here two COPY --from steps.
    const analysis = imageOf(
      [[file('app/server', 20 * MB)], [file('app/config.json', 2000)]],
      [
        'COPY /out/server /app/server # buildkit',
        'COPY /out/config.json /app/config.json # buildkit',
      ],
    );
    expect(analysis.tips.filter((t) => t.code === 'combine-run')).toEqual([]);
    expect(analysis.findings).toEqual([]);
  });

  it('stay silent about the apt cache when the layer holds none (a BuildKit cache mount left nothing)', () => {
    const analysis = imageOf(
      [[file('usr/bin/curl', 300000)]],
      [
        'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl # buildkit',
      ],
    );
    expect(analysis.findings.filter((f) => /apt|cache/.test(f.code))).toEqual([]);
    expect(analysis.tips).toEqual([]);
  });

  it('measure the apt cache when the layer really holds it', () => {
    const analysis = imageOf(
      [[file('usr/bin/curl', 300000), file('var/lib/apt/lists/deb.debian.org_dists_main', 9 * MB)]],
      [
        'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl # buildkit',
      ],
    );
    expect(analysis.tips[0]).toMatchObject({
      code: 'clean-cache',
      fileBytes: 9 * MB,
      savedBytes: 4.5 * MB,
      basis: 'measured',
      historyIndex: 0,
    });
    expect(analysis.tips[0].caveat).toBeUndefined();
  });

  it('split what one later RUN deletes into the cache and the rest, each with its own tip', () => {
    const analysis = imageOf(
      [
        [file('var/lib/apt/lists/main_Packages', 8 * MB), file('tmp/build/app.o', 2 * MB)],
        [
          { path: 'var/lib/apt/lists', sizeBytes: 0, type: 'whiteout' },
          { path: 'tmp/build', sizeBytes: 0, type: 'whiteout' },
        ],
      ],
      [
        'RUN /bin/sh -c apt-get update && make -C /src OUT=/tmp/build # buildkit',
        'RUN /bin/sh -c rm -rf /var/lib/apt/lists /tmp/build # buildkit',
      ],
    );
    expect(analysis.findings.map((f) => [f.code, f.sizeBytes])).toEqual([
      ['cache-cleaned-later', 8 * MB],
      ['deleted-later', 2 * MB],
    ]);
    expect(analysis.tips.map((t) => [t.code, t.historyIndex])).toEqual([
      ['clean-cache-same-run', 0],
      ['delete-in-same-layer', 0],
    ]);
    expect(analysis.hiddenBytes).toBe(10 * MB);
  });

  it('from the history alone, say a cache tip is a guess', () => {
    const analysis = imageOf(
      [[file('usr/bin/curl', 300000)]],
      ['RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit'],
      false,
    );
    const tip = analysis.tips.find((t) => t.code === 'clean-cache')!;
    expect(tip.basis).toBe('estimated');
    expect(tip.caveat).toMatch(/guess .* --mount flags/i);
  });

  it('catch `yum clean all && yum install`, which cleans before installing', () => {
    const analysis = imageOf(
      [[file('usr/bin/git', 3 * MB)]],
      ['/bin/sh -c yum clean all && yum install -y git'],
      false,
    );
    const finding = analysis.findings.find((f) => f.code === 'yum-cache-left')!;
    expect(finding.message).toMatch(/cleaned before the install, not after/);
    expect(analysis.tips.find((t) => t.code === 'clean-cache')?.change).toMatch(/end of the RUN/);
  });

  it('do not flag `yum install … && yum clean all`', () => {
    const analysis = imageOf(
      [[file('usr/bin/git', 3 * MB)]],
      ['/bin/sh -c yum install -y git && yum clean all'],
      false,
    );
    expect(analysis.findings.filter((f) => f.code === 'yum-cache-left')).toEqual([]);
  });

  it('never promise a smaller base as certain: the saving is estimated and must be verified', () => {
    const analysis = imageOf(
      [[file('bin/bash', MB)], [file('usr/bin/git', MB)], [file('usr/bin/gcc', MB)]],
      [
        '/bin/sh -c #(nop) ADD file:aaa in / ',
        '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends bzr git mercurial openssh-client subversion procps && rm -rf /var/lib/apt/lists/*',
        '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends autoconf automake libtool make gcc && rm -rf /var/lib/apt/lists/*',
        ['/bin/sh -c #(nop)  ENV PYTHON_VERSION=3.12.1', true],
      ],
    );
    const tip = analysis.tips.find((t) => t.code === 'smaller-base')!;
    expect(tip.basis).toBe('estimated');
    expect(tip.change).toMatch(/python:3-slim or python:3-alpine/);
    expect(tip.caveat).toMatch(/not certain.*service's own checks/);
  });

  it('rank tips by bytes saved, and name image, instruction and basis on each', () => {
    const analysis = imageOf(
      [
        [file('app/.git/pack', 5 * MB), file('var/cache/apk/APKINDEX.tar.gz', MB)],
        [{ path: 'tmp/build', sizeBytes: 0, type: 'whiteout' }],
      ],
      ['COPY . /app # buildkit', 'RUN /bin/sh -c rm -rf /tmp/build # buildkit'],
    );
    expect(analysis.tips.map((t) => t.savedBytes)).toEqual(
      [...analysis.tips.map((t) => t.savedBytes)].sort((a, b) => b - a),
    );
    for (const tip of analysis.tips) {
      expect(tip).toMatchObject({
        repository: 'svc',
        image: 'svc:1',
        basis: expect.stringMatching(/measured|estimated/),
      });
      expect(tip.instruction).toEqual(expect.any(String));
      expect(tip.change.length).toBeGreaterThan(10);
    }
  });

  it('flag `COPY . .` before the dependency install, but not when the manifests are copied first', () => {
    const bad = imageOf(
      [[file('app/x', 1)], [file('app/node_modules/a', 1)]],
      ['COPY . . # buildkit', 'RUN /bin/sh -c yarn install --production # buildkit'],
    );
    expect(bad.tips.find((t) => t.code === 'copy-order')).toMatchObject({ historyIndex: 0 });
    const good = imageOf(
      [[file('app/package.json', 1)], [file('app/node_modules/a', 1)], [file('app/x', 1)]],
      [
        'COPY package.json yarn.lock ./ # buildkit',
        'RUN /bin/sh -c yarn install --production # buildkit',
        'COPY . . # buildkit',
      ],
    );
    expect(good.tips.find((t) => t.code === 'copy-order')).toBeUndefined();
  });

  it('flag a directory copy before the install in the legacy builder form, where the source is a hash', () => {
    const legacy = imageOf(
      [[file('app/x', 1)], [file('app/node_modules/a', 1)]],
      [
        '/bin/sh -c #(nop) COPY dir:0c5f4ea4b1f3e0b3c2f6a1d9e8b7c6a5 in /app ',
        '/bin/sh -c npm install',
      ],
    );
    expect(legacy.tips.find((t) => t.code === 'copy-order')).toMatchObject({ historyIndex: 0 });
    const singleFile = imageOf(
      [[file('app/package.json', 1)], [file('app/node_modules/a', 1)]],
      ['/bin/sh -c #(nop) COPY file:9a8b7c6d in /app/package.json ', '/bin/sh -c npm install'],
    );
    expect(singleFile.tips.find((t) => t.code === 'copy-order')).toBeUndefined();
  });
});

describe('tip savings', () => {
  it('never promise more than the image stores, in the same units as stored bytes', () => {
    // The real node:10.4.0 config (a heavy base), as if its nine layers were tiny.
    const config = readFileSync(
      join(__dirname, '..', 'fixtures', 'images', 'configs', 'node-10.4.0-dockergoof.json'),
      'utf8',
    );
    const layers = Array.from({ length: 9 }, (_, i) => ({
      digest: `sha256:${String(i).padStart(64, '0')}`,
      sizeBytes: 100_000,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    }));
    const analysis = analyseImage({
      repository: 'svc',
      imageDigest: 'sha256:x',
      image: 'svc:1',
      config,
      layers,
      summaries: {},
      pricePerGbMonthUsd: 0.1,
    });
    expect(analysis.tips.map((t) => t.code)).toContain('smaller-base');
    for (const tip of analysis.tips) expect(tip.savedBytes).toBeLessThanOrEqual(900_000);
  });
});

describe('empty things', () => {
  it('report an image whose layers hold 0 bytes without NaN or Infinity', () => {
    const analysis = imageOf(
      [[{ path: 'etc', sizeBytes: 0, type: 'dir' }], [file('empty', 0)]],
      ['COPY x / # buildkit', 'COPY y / # buildkit'],
    );
    const text = JSON.stringify(analysis);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(analysis.dive).toMatchObject({ efficiency: 1, wastedBytes: 0, userWastedPercent: null });
    expect(analysis.bloatBytes).toBe(0);
  });
});

describe('stacking layers', () => {
  it.each([
    [
      'a file deleted by a whiteout',
      [[file('a', 10)], [{ path: 'a', sizeBytes: 0, type: 'whiteout' }]],
      { hiddenBytes: 10, duplicateBytes: 0 },
    ],
    [
      'a directory deleted by a whiteout (dive misses it)',
      [[file('d/x', 10), file('d/y/z', 5)], [{ path: 'd', sizeBytes: 0, type: 'whiteout' }]],
      { hiddenBytes: 15, duplicateBytes: 0 },
    ],
    [
      'an opaque whiteout, keeping the same layer’s new contents',
      [
        [file('d/x', 10), file('e', 1)],
        [{ path: 'd', sizeBytes: 0, type: 'opaque-whiteout' }, file('d/new', 3)],
      ],
      { hiddenBytes: 10, duplicateBytes: 0 },
    ],
    [
      'an overwrite with other content',
      [[file('a', 10)], [file('a', 12)]],
      { hiddenBytes: 10, duplicateBytes: 0 },
    ],
    [
      'a re-ship unchanged in size, three times',
      [[file('a', 10)], [file('a', 10)], [file('a', 10)]],
      { hiddenBytes: 0, duplicateBytes: 20 },
    ],
    [
      'a same-size rewrite with other content (told apart by the content hash)',
      [[{ ...file('a', 10), contentHash: 'h1' }], [{ ...file('a', 10), contentHash: 'h2' }]],
      { hiddenBytes: 10, duplicateBytes: 0 },
    ],
    [
      'a same-size re-ship with the same content hash',
      [[{ ...file('a', 10), contentHash: 'h1' }], [{ ...file('a', 10), contentHash: 'h1' }]],
      { hiddenBytes: 0, duplicateBytes: 10 },
    ],
    [
      'a directory replaced by a file',
      [[file('d/x', 10)], [file('d', 4)]],
      { hiddenBytes: 10, duplicateBytes: 0 },
    ],
  ] as Array<[string, LayerEntry[][], { hiddenBytes: number; duplicateBytes: number }]>)(
    'measures %s',
    (_name, layers, expected) => {
      const result = stackLayers(layers);
      expect({ hiddenBytes: result.hiddenBytes, duplicateBytes: result.duplicateBytes }).toEqual(
        expected,
      );
    },
  );
});
