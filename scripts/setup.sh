#!/usr/bin/env bash
# Install what broadcaster needs on Debian/Ubuntu: system packages (only those missing),
# a virtualenv in .venv and the package itself. Safe to run again.
#   scripts/setup.sh          station PC: runtime only
#   scripts/setup.sh --dev    also test tools, PostgreSQL and the PulseAudio server for tests
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

# binary -> Debian package
declare -A needed=(
  [ffmpeg]=ffmpeg [espeak-ng]=espeak-ng [aplay]=alsa-utils [paplay]=pulseaudio-utils
  [python3]=python3
)
if [ "$dev" = 1 ]; then
  needed[pulseaudio]=pulseaudio
  needed[parec]=pulseaudio-utils
  needed[initdb-check]=postgresql
  needed[chromium]=chromium      # browser tests of the web console (Playwright drives Debian's chromium)
  needed[icecast2]=icecast2      # a real streaming server for the relay tests
fi
missing=()
for binary in "${!needed[@]}"; do
  if [ "$binary" = "initdb-check" ]; then
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=("${needed[$binary]}")
  elif ! command -v "$binary" >/dev/null 2>&1; then
    missing+=("${needed[$binary]}")
  fi
done
# python3-venv is a separate package on Debian/Ubuntu
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "==> Installing system packages: ${unique[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${unique[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtualenv in .venv"
  python3 -m venv .venv
fi
extra=""
[ "$dev" = 1 ] && extra="[dev]"
echo "==> Installing broadcaster$extra into .venv"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# The build's chatter goes to a log; it is shown only when the install fails.
if ! .venv/bin/python -m pip install -q -e ".$extra" > .venv/pip-install.log 2>&1; then
  tail -n 40 .venv/pip-install.log >&2
  echo "Installing broadcaster failed; the whole log is in .venv/pip-install.log" >&2
  exit 1
fi
.venv/bin/broadcaster --version
