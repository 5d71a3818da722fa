/**
 * Base images of the sample fleet, as history steps with layer sizes close
 * to the real compressed sizes of the public images they stand for.
 */
import { contentHash, layerBlob, MB, type HistoryStep } from './build';

const sh = (command: string) => `/bin/sh -c ${command}`;
const nop = (instruction: string) => `/bin/sh -c #(nop)  ${instruction}`;

function debian(name: string, rootfsMb: number): HistoryStep[] {
  return [
    {
      createdBy: `/bin/sh -c #(nop) ADD file:${contentHash(`${name}-rootfs`)} in / `,
      layer: layerBlob(`${name}-rootfs`, rootfsMb * MB),
    },
    { createdBy: nop('CMD ["bash"]') },
  ];
}

const buildpackDeps: HistoryStep[] = [
  {
    createdBy: sh(
      'apt-get update && apt-get install -y --no-install-recommends ca-certificates curl netbase wget && rm -rf /var/lib/apt/lists/*',
    ),
    layer: layerBlob('buildpack-curl', 24 * MB),
  },
  {
    createdBy: sh(
      'apt-get update && apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps && rm -rf /var/lib/apt/lists/*',
    ),
    layer: layerBlob('buildpack-scm', 64 * MB),
  },
  {
    createdBy: sh(
      'set -ex; apt-get update; apt-get install -y --no-install-recommends autoconf automake bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev libcurl4-openssl-dev libffi-dev libssl-dev libtool make patch xz-utils zlib1g-dev; rm -rf /var/lib/apt/lists/*',
    ),
    layer: layerBlob('buildpack-build-deps', 211 * MB),
  },
];

/** node:20 (bookworm): the full Debian language image. */
export const nodeFull: HistoryStep[] = [
  ...debian('bookworm', 49),
  ...buildpackDeps,
  {
    createdBy: sh(
      'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
    ),
    layer: layerBlob('node20-user', 0.003 * MB),
  },
  { createdBy: nop('ENV NODE_VERSION=20.11.1') },
  {
    createdBy: sh(
      'ARCH= && dpkgArch="$(dpkg --print-architecture)" && curl -fsSLO --compressed "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz" && tar -xJf "node-v$NODE_VERSION-linux-$ARCH.tar.xz" -C /usr/local --strip-components=1 --no-same-owner && rm "node-v$NODE_VERSION-linux-$ARCH.tar.xz"',
    ),
    layer: layerBlob('node20-bin', 48 * MB),
  },
  { createdBy: nop('ENV YARN_VERSION=1.22.19') },
  {
    createdBy: sh(
      'set -ex && curl -fsSLO --compressed "https://yarnpkg.com/downloads/$YARN_VERSION/yarn-v$YARN_VERSION.tar.gz" && tar -xzf yarn-v$YARN_VERSION.tar.gz -C /opt/ && rm yarn-v$YARN_VERSION.tar.gz',
    ),
    layer: layerBlob('node20-yarn', 1.3 * MB),
  },
  { createdBy: nop('CMD ["node"]') },
];

/** node:20-alpine. */
export const nodeAlpine: HistoryStep[] = [
  {
    createdBy: `/bin/sh -c #(nop) ADD file:${contentHash('alpine-3.19-rootfs')} in / `,
    layer: layerBlob('alpine-3.19-rootfs', 3.4 * MB),
  },
  { createdBy: nop('CMD ["/bin/sh"]') },
  { createdBy: nop('ENV NODE_VERSION=20.11.1') },
  {
    createdBy: sh(
      'addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node && apk add --no-cache libstdc++ && apk add --no-cache --virtual .build-deps curl && curl -fsSLO --compressed "https://unofficial-builds.nodejs.org/download/release/v$NODE_VERSION/node-v$NODE_VERSION-linux-x64-musl.tar.xz" && tar -xJf "node-v$NODE_VERSION-linux-x64-musl.tar.xz" -C /usr/local --strip-components=1 && apk del .build-deps',
    ),
    layer: layerBlob('node20-alpine-bin', 40 * MB),
  },
  { createdBy: nop('CMD ["node"]') },
];

/** nginx:1.25-alpine. */
export const nginxAlpine: HistoryStep[] = [
  {
    createdBy: `/bin/sh -c #(nop) ADD file:${contentHash('alpine-3.18-rootfs')} in / `,
    layer: layerBlob('alpine-3.18-rootfs', 3.3 * MB),
  },
  { createdBy: nop('CMD ["/bin/sh"]') },
  { createdBy: nop('ENV NGINX_VERSION=1.25.3') },
  {
    createdBy: sh(
      'set -x && addgroup -g 101 -S nginx && adduser -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx && apk add --no-cache nginx=${NGINX_VERSION}-r1',
    ),
    layer: layerBlob('nginx-alpine-bin', 14 * MB),
  },
  { createdBy: nop('CMD ["nginx" "-g" "daemon off;"]') },
];

/** python:3.12 (bookworm): full image with the build toolchain. */
export const pythonFull: HistoryStep[] = [
  ...debian('bookworm', 49),
  ...buildpackDeps,
  { createdBy: nop('ENV PYTHON_VERSION=3.12.2') },
  {
    createdBy: sh(
      'set -eux; wget -O python.tar.xz "https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz"; mkdir -p /usr/src/python; tar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; rm python.tar.xz; cd /usr/src/python; ./configure --enable-optimizations; make -j "$(nproc)"; make install; cd /; rm -rf /usr/src/python',
    ),
    layer: layerBlob('python312-bin', 22 * MB),
  },
  { createdBy: nop('CMD ["python3"]') },
];

/** python:3.12-slim. */
export const pythonSlim: HistoryStep[] = [
  ...debian('bookworm-slim', 29),
  { createdBy: nop('ENV PYTHON_VERSION=3.12.2') },
  {
    createdBy: sh(
      'set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y --no-install-recommends dpkg-dev gcc libssl-dev make wget xz-utils zlib1g-dev; ./configure; make -j "$(nproc)"; make install; apt-mark auto \'.*\' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*',
    ),
    layer: layerBlob('python312-slim-bin', 12 * MB),
  },
  { createdBy: nop('CMD ["python3"]') },
];

/** golang:1.22 (bookworm): a compiler image. */
export const golangFull: HistoryStep[] = [
  ...debian('bookworm', 49),
  ...buildpackDeps.slice(0, 2),
  {
    createdBy: sh(
      'set -eux; apt-get update; apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config; rm -rf /var/lib/apt/lists/*',
    ),
    layer: layerBlob('golang-gcc', 86 * MB),
  },
  { createdBy: nop('ENV GOLANG_VERSION=1.22.1') },
  {
    createdBy: sh(
      'set -eux; url="https://dl.google.com/go/go1.22.1.linux-amd64.tar.gz"; wget -O go.tgz "$url"; tar -C /usr/local -xzf go.tgz; rm go.tgz',
    ),
    layer: layerBlob('golang-bin', 68 * MB),
  },
  { createdBy: nop('WORKDIR /go') },
];

/** nvidia/cuda:12.3-devel-ubuntu22.04: very large, with the full toolchain. */
export const cudaDevel: HistoryStep[] = [
  {
    createdBy: `/bin/sh -c #(nop) ADD file:${contentHash('jammy-rootfs')} in / `,
    layer: layerBlob('jammy-rootfs', 30 * MB),
  },
  { createdBy: nop('CMD ["/bin/bash"]') },
  {
    createdBy:
      'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends cuda-cudart-12-3 cuda-compat-12-3 && rm -rf /var/lib/apt/lists/* # buildkit',
    layer: layerBlob('cuda-runtime', 210 * MB),
    comment: 'buildkit.dockerfile.v0',
  },
  {
    createdBy:
      'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends cuda-libraries-12-3 libnccl2 && rm -rf /var/lib/apt/lists/* # buildkit',
    layer: layerBlob('cuda-libraries', 1_900 * MB),
    comment: 'buildkit.dockerfile.v0',
  },
  {
    createdBy:
      'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends cuda-nvcc-12-3 cuda-libraries-dev-12-3 build-essential && rm -rf /var/lib/apt/lists/* # buildkit',
    layer: layerBlob('cuda-devel', 2_300 * MB),
    comment: 'buildkit.dockerfile.v0',
  },
];

export { sh, nop };
