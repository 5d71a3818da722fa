#!/usr/bin/env bash
# Installs the system programs the integration tests use, when they are
# missing: Debian's docker-registry, umoci, skopeo and chromium, and
# moto_server. Run by `npm test`; safe to run again.
set -euo pipefail

missing=()
for tool in docker-registry umoci skopeo chromium; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-test-tools: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "setup-test-tools: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "setup-test-tools: moto_server is missing; run: pip install 'moto[server]'" >&2
  exit 1
fi
