#!/bin/sh
# Starts a private Icecast streaming server on loopback for the relay tests and
# benchmarks (Debian's icecast2, with a config generated in its own folder).
# Idempotent: if the server of that folder already answers, it does nothing.
#
#   eval "$(scripts/start-icecast.sh)"   # exports BROADCASTER_ICECAST_URL and BROADCASTER_ICECAST_PASSWORD
#
# BROADCASTER_ICECAST_DIR (default /tmp/broadcaster-icecast) and BROADCASTER_ICECAST_PORT
# (default 8765) choose the folder and the port. Sources connect with user "source" and the
# password printed; listeners read http://127.0.0.1:PORT/MOUNT. Stop it with
#   kill "$(cat "$BROADCASTER_ICECAST_DIR/icecast.pid")"
set -eu

DIR="${BROADCASTER_ICECAST_DIR:-/tmp/broadcaster-icecast}"
PORT="${BROADCASTER_ICECAST_PORT:-8765}"
URL="http://127.0.0.1:$PORT"

ICECAST="$(command -v icecast2 || command -v icecast || true)"
if [ -z "$ICECAST" ]; then
    echo "icecast2 is missing: apt-get install icecast2" >&2
    exit 1
fi

mkdir -p "$DIR/log"
if [ ! -s "$DIR/password" ]; then
    # loopback only, but still not a well-known password
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$DIR/password"
fi
PASSWORD="$(cat "$DIR/password")"

answers() {
    # the status page answers once the server listens
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null --max-time 2 "$URL/status-json.xsl"
    else
        python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "$URL/status-json.xsl" >/dev/null 2>&1
    fi
}

running() {
    [ -s "$DIR/icecast.pid" ] && kill -0 "$(cat "$DIR/icecast.pid")" 2>/dev/null && answers
}

if ! running; then
    # icecast refuses to run as root unless told which user to become (CI containers run as root)
    SECURITY=""
    if [ "$(id -u)" -eq 0 ]; then
        USER_NAME="$(getent passwd icecast2 >/dev/null && echo icecast2 || echo nobody)"
        GROUP_NAME="$(id -gn "$USER_NAME")"
        chown -R "$USER_NAME:$GROUP_NAME" "$DIR/log"
        if command -v runuser >/dev/null 2>&1 && ! runuser -u "$USER_NAME" -- test -w "$DIR/log"; then
            echo "Icecast runs as $USER_NAME, who cannot reach $DIR/log: choose a BROADCASTER_ICECAST_DIR" \
                "that others may enter (e.g. under /tmp)" >&2
            exit 1
        fi
        SECURITY="<security><chroot>0</chroot><changeowner><user>$USER_NAME</user><group>$GROUP_NAME</group></changeowner></security>"
    fi
    # short timeouts: a killed or frozen source must end the listeners' streams within seconds
    cat >"$DIR/icecast.xml" <<EOF
<icecast>
    <location>loopback</location>
    <admin>tests@localhost</admin>
    <limits>
        <clients>100</clients>
        <sources>40</sources>
        <queue-size>524288</queue-size>
        <client-timeout>30</client-timeout>
        <header-timeout>5</header-timeout>
        <source-timeout>5</source-timeout>
        <burst-on-connect>1</burst-on-connect>
        <burst-size>65535</burst-size>
    </limits>
    <authentication>
        <source-password>$PASSWORD</source-password>
        <relay-password>$PASSWORD</relay-password>
        <admin-user>admin</admin-user>
        <admin-password>$PASSWORD</admin-password>
    </authentication>
    <hostname>127.0.0.1</hostname>
    <listen-socket>
        <port>$PORT</port>
        <bind-address>127.0.0.1</bind-address>
    </listen-socket>
    <paths>
        <basedir>/usr/share/icecast2</basedir>
        <logdir>$DIR/log</logdir>
        <webroot>/usr/share/icecast2/web</webroot>
        <adminroot>/usr/share/icecast2/admin</adminroot>
        <pidfile>$DIR/log/icecast.pid</pidfile>
    </paths>
    <logging>
        <accesslog>access.log</accesslog>
        <errorlog>error.log</errorlog>
        <loglevel>2</loglevel>
    </logging>
    $SECURITY
</icecast>
EOF
    # stays a child of this shell's session only until it detaches; its pid is kept for stopping it
    setsid "$ICECAST" -c "$DIR/icecast.xml" </dev/null >"$DIR/stdout.log" 2>&1 &
    echo $! >"$DIR/icecast.pid"
    tries=0
    until answers; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ] || ! kill -0 "$(cat "$DIR/icecast.pid")" 2>/dev/null; then
            echo "Icecast did not start on $URL; see $DIR/stdout.log and $DIR/log/error.log" >&2
            cat "$DIR/stdout.log" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
fi

echo "export BROADCASTER_ICECAST_URL=$URL"
echo "export BROADCASTER_ICECAST_PASSWORD=$PASSWORD"
