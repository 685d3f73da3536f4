#!/usr/bin/env bash
# Set everything up and run a short demo day on the embedded defaults:
# a demo station in ./demo-station (SQLite, offline voice, sample news written by the project),
# three slots a few seconds apart, an emergency, then the airing log and the airtime report.
# Then the web console of the demo station is served on http://127.0.0.1:8080/ (Ctrl-C stops it;
# BROADCASTER_DEMO_CONSOLE=0 skips it). Safe to run again (the demo station is recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/broadcaster demo --dir demo-station
if [ "${BROADCASTER_DEMO_CONSOLE:-1}" != "0" ]; then
  echo
  echo "==> Bảng điều khiển web (web console): mở http://127.0.0.1:8080/ bằng trình duyệt trên máy này (Ctrl-C để dừng)"
  exec .venv/bin/broadcaster --config demo-station/config.toml web
fi
