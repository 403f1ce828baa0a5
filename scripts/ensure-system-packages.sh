#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing:
#   chromium  the e2e tests drive Debian's Chromium (Playwright must not
#             download browsers: this machine reaches only npm and apt);
#   firefox-esr the Firefox e2e tests drive Debian's Firefox ESR (over WebDriver BiDi);
#   openssl   the RSA tests make and check keys with it, independently of node:crypto;
#   postgresql the store tests run against a throwaway PostgreSQL server (tests/support).
# Idempotent and quiet when all is there. Runs before `npm test` and in .ci/run.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
((${#missing[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: $(dpkg-query -W -f='${Package} ${Version}\n' "${missing[@]}" | tr '\n' ' ')"
