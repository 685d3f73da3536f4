#!/usr/bin/env bash
# Install and start the station daemon as a systemd service.
#   sudo bash scripts/install-service.sh [/path/to/config.toml] [user]
# Defaults: the config.toml of this folder, and the user who ran sudo (needs access to the sound card:
# the user is added to the "audio" group). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
config=$(realpath "${1:-$repo/config.toml}")
user=${2:-${SUDO_USER:-$(id -un)}}
[ -f "$config" ] || { echo "No config file at $config" >&2; exit 1; }
bash scripts/setup.sh
usermod -a -G audio "$user" || true
sed -e "s|@USER@|$user|g" -e "s|@REPO@|$repo|g" -e "s|@CONFIG@|$config|g" scripts/broadcaster.service \
  > /etc/systemd/system/broadcaster.service
systemctl daemon-reload
systemctl enable --now broadcaster.service
systemctl --no-pager status broadcaster.service | head -n 5
echo "Logs: journalctl -u broadcaster -f    Reload config: systemctl reload broadcaster"
