#!/usr/bin/env bash
# The Debian packages the tests need: real parts, never stand-ins (README, DESIGN "Quality
# bars"). `npm test` and `.ci/run` both call this script. As root it installs what is
# missing with apt-get; as another user it stops at once and prints the exact command.
set -euo pipefail

# command to look for -> the Debian package that provides it
declare -A wanted=(
  [chromium]=chromium            # browser tests (playwright-core drives it)
  [openssl]=openssl              # interoperability tests (signatures, TLS)
  [cc]=gcc                       # the CTPScript reference helper (ERE behaviour of glibc)
  [prosody]=prosody              # the XMPP server of the alerts tests
  [go-sendxmpp]=go-sendxmpp      # an XMPP client we did not write
  [promtool]=prometheus          # `promtool check metrics` and a Prometheus server
)
missing=()
for command in "${!wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${wanted[$command]}")
done
# PostgreSQL's server binaries live outside PATH on Debian.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages the tests need: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
