#!/usr/bin/env bash
# Set everything up and run a short demo day on the embedded defaults:
# a demo station in ./demo-station (SQLite, offline voice espeak-ng, sample news written by the project),
# three slots a few seconds apart, an emergency, then the airing log and the airtime report.
# Safe to run again (the demo station is recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/broadcaster demo --dir demo-station
