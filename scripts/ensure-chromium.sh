#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when it is missing and we may.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
else
  echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install -y chromium' (Debian/Ubuntu)." >&2
  exit 1
fi
