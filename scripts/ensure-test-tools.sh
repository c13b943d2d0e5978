#!/usr/bin/env bash
# Runs before `npm test` (the `pretest` script) and installs, with apt, the Debian packages the suite
# runs against when they are missing:
#   chromium      the browser test drives /usr/bin/chromium (browser downloads such as
#                 `npx playwright install` cannot work on these machines);
#   redis-server  the Redis reply cache is tested against a real server on 127.0.0.1;
#   prometheus    Debian's Prometheus server and `promtool`: the alert rules are checked and unit-tested
#                 with promtool, and a real Prometheus scrapes a gateway in the tests.
# Needs root or sudo; does nothing when all are there.
set -euo pipefail

missing=()
if [[ ! -x /usr/bin/chromium ]]; then missing+=(chromium); fi
if ! command -v redis-server > /dev/null; then missing+=(redis-server); fi
if ! command -v promtool > /dev/null || ! command -v prometheus > /dev/null; then missing+=(prometheus); fi
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
for try in 1 2 3; do
  if "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  sleep $((try * 10))
done
echo "could not install ${missing[*]} with apt-get (the test suite needs them)" >&2
exit 1
