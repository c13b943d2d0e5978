#!/usr/bin/env bash
# Runs before `npm test` (the `pretest` script): the browser test drives Debian's chromium, and browser
# downloads (`npx playwright install`) cannot work on these machines, so install the Debian package
# when /usr/bin/chromium is missing. Needs root or sudo; does nothing when chromium is there.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then exit 0; fi
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
for try in 1 2 3; do
  if "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium; then
    exit 0
  fi
  sleep $((try * 10))
done
echo "could not install chromium with apt-get (the browser test needs /usr/bin/chromium)" >&2
exit 1
