#!/bin/sh
# Starts a headless PulseAudio with a null sink named "horn" that tests and
# benchmarks play to and record from (horn.monitor). Idempotent: if the server
# already answers and has the horn sink, it does nothing.
#
#   eval "$(scripts/start-audio-server.sh)"     # exports XDG_RUNTIME_DIR and PULSE_SERVER
#
# Works as root (CI containers): --system=no keeps it a per-user daemon.
set -eu

RUNTIME="${BROADCASTER_PULSE_DIR:-/tmp/broadcaster-pulse}"
SOCKET="$RUNTIME/pulse/native"
SERVER="unix:$SOCKET"

if ! command -v pulseaudio >/dev/null 2>&1 || ! command -v pactl >/dev/null 2>&1; then
    echo "pulseaudio or pactl is missing: apt-get install pulseaudio pulseaudio-utils" >&2
    exit 1
fi

mkdir -p "$RUNTIME/pulse"
chmod 700 "$RUNTIME"

has_horn() {
    PULSE_SERVER="$SERVER" pactl list short sinks 2>/dev/null | awk '{print $2}' | grep -qx horn
}

if PULSE_SERVER="$SERVER" pactl info >/dev/null 2>&1; then
    if ! has_horn; then
        PULSE_SERVER="$SERVER" pactl load-module module-null-sink sink_name=horn >/dev/null
    fi
else
    # a stale socket or pid file from a killed server would stop a new one starting
    rm -f "$SOCKET" "$RUNTIME/pulse/pid"
    XDG_RUNTIME_DIR="$RUNTIME" HOME="${HOME:-$RUNTIME}" pulseaudio --daemonize=yes --system=no -n \
        --exit-idle-time=-1 --disallow-exit=yes --log-target=file:"$RUNTIME/pulse.log" \
        --load="module-native-protocol-unix auth-anonymous=1 socket=$SOCKET" \
        --load="module-null-sink sink_name=horn" 2>/dev/null || true
    tries=0
    until PULSE_SERVER="$SERVER" pactl info >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -gt 50 ]; then
            echo "PulseAudio did not start; see $RUNTIME/pulse.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    PULSE_SERVER="$SERVER" pactl set-default-sink horn
fi

has_horn || { echo "PulseAudio runs but has no 'horn' sink" >&2; exit 1; }

# An idle null sink wakes up only every 2 s, so a new recorder (parec) waits up
# to 2 s for its first sound. A quiet listener on the monitor keeps the sink's
# latency at 50 ms: recorders then start at once. It discards what it hears.
KEEPER_PID="$RUNTIME/keeper.pid"
if ! PULSE_SERVER="$SERVER" pactl list clients 2>/dev/null | grep -q 'application.name = "horn-keeper"'; then
    PULSE_SERVER="$SERVER" setsid parec --device=horn.monitor --raw --latency-msec=50 \
        --client-name=horn-keeper </dev/null >/dev/null 2>&1 &
    echo $! >"$KEEPER_PID"
fi
echo "export XDG_RUNTIME_DIR=$RUNTIME"
echo "export PULSE_SERVER=$SERVER"
