#!/usr/bin/env bash
# Set up everything the tests need (system packages, virtualenv, a PostgreSQL server and a
# PulseAudio server with a "horn" null sink, both private to the tests) and run the whole suite.
# Safe to run again. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev

eval "$(bash scripts/start-postgres.sh)"
eval "$(bash scripts/start-audio-server.sh)"
eval "$(bash scripts/start-icecast.sh)"

echo "==> ruff"
.venv/bin/ruff check broadcaster tests bench
echo "==> mypy"
.venv/bin/mypy broadcaster
echo "==> pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
