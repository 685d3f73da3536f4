#!/usr/bin/env bash
# Install and start the station as two systemd services: the daemon (broadcaster) and the web
# console (broadcaster-web).
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
for unit in broadcaster broadcaster-web; do
  sed -e "s|@USER@|$user|g" -e "s|@REPO@|$repo|g" -e "s|@CONFIG@|$config|g" "scripts/$unit.service" \
    > "/etc/systemd/system/$unit.service"
done
systemctl daemon-reload
systemctl enable --now broadcaster.service
systemctl enable broadcaster-web.service
systemctl restart broadcaster-web.service   # picks up a new version of the console
systemctl --no-pager status broadcaster.service | head -n 5
systemctl --no-pager status broadcaster-web.service | head -n 5
echo "Logs: journalctl -u broadcaster -f    Reload config: systemctl reload broadcaster"
echo "Console: journalctl -u broadcaster-web -f    Users: $repo/.venv/bin/broadcaster --config $config users add NAME --role technician"
