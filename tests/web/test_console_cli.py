"""`broadcaster web` serves the console; the key that signs its cookies is made once and kept private."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from broadcaster.errors import ConfigError
from broadcaster.web.security import load_or_create_secret
from tests.conftest import REPO
from tests.web.conftest import ROLE_USERS, TestClient, WebStation, free_port, login


@pytest.mark.slow  # `broadcaster web` in its own process
def test_broadcaster_web_serves_the_console_on_the_port_asked(web_station: WebStation) -> None:
    port = free_port()
    env = {**os.environ, "BROADCASTER_CONFIG": str(web_station.config)}
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "broadcaster"), "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the console did not answer"
                time.sleep(0.2)
        assert answer.status_code == 200 and "Đăng nhập" in answer.text
        assert "server" not in answer.headers
        name, password = ROLE_USERS["district"]
        logged = httpx.post(f"http://127.0.0.1:{port}/api/v1/login", json={"username": name, "password": password})
        assert logged.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, _err = process.communicate(timeout=20)
    assert f"The console is at http://127.0.0.1:{port}/" in out


def test_a_busy_port_is_explained(web_station: WebStation) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        error = web_station.cli.fails("web", "--port", str(port))
    assert error.startswith(f"Error: The console cannot listen on 127.0.0.1 port {port}: ")
    assert "systemctl status broadcaster-web" in error


def test_the_secret_is_made_once_private_and_kept(tmp_path: Path, web_station: WebStation, app: object) -> None:
    path = web_station.folder / "data" / "web-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    # A second console process for the same station signs with the same key: logins survive a restart.
    from broadcaster.web.app import create_app

    client = TestClient(app)
    login(client, *ROLE_USERS["official"])
    restarted = TestClient(create_app(web_station.config))
    restarted.cookies = client.cookies
    assert restarted.get("/api/v1/me").status_code == 200
    assert path.read_text() == first

    made = load_or_create_secret(tmp_path / "sub" / "secret")
    assert len(made) >= 60 and stat.S_IMODE((tmp_path / "sub" / "secret").stat().st_mode) == 0o600
    loose = tmp_path / "loose"
    loose.write_text("x" * 64)
    loose.chmod(0o644)
    assert load_or_create_secret(loose) == "x" * 64 and stat.S_IMODE(loose.stat().st_mode) == 0o600
    short = tmp_path / "short"
    short.write_text("abc")
    with pytest.raises(ConfigError, match="too short"):
        load_or_create_secret(short)
