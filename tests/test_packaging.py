"""broadcaster installed from a wheel, outside the checkout, has everything it ships: config, jingles, sample news.

The wheel is built from this checkout with pip and installed into a fresh virtual
environment in a temporary folder; the dependencies come from the test's own
environment (a path file), so nothing but the build backend is fetched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BROADCASTER_CONFIG", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with broadcaster installed from a freshly built wheel; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel-install")
    # built from a copy: an in-tree build leaves build/ behind in the checkout
    source = root / "source"
    shutil.copytree(
        REPO,
        source,
        symlinks=True,  # broadcaster/shipped/ links to the top-level files, as in the checkout
        ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "demo-station"),
    )
    wheels = root / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, source, cwd=root)
    (wheel,) = wheels.glob("broadcaster-*.whl")
    env = root / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    bin_dir = env / "bin"
    site = Path(
        run(bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root).stdout.strip()
    )
    # the dependencies of this test run; a plain path line, so the checkout's editable install is not seen
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=root)
    return bin_dir


@pytest.mark.slow
def test_the_wheel_carries_the_shipped_files(installed: Path, tmp_path: Path) -> None:
    out = run(
        installed / "python",
        "-c",
        "import broadcaster, broadcaster.service.context as s; print(broadcaster.__file__); print(s.SHIPPED)",
        cwd=tmp_path,
    ).stdout.splitlines()
    package, shipped = Path(out[0]).parent, Path(out[1])
    assert not package.is_relative_to(REPO), "imported from the checkout, not from the wheel"
    assert shipped == package / "shipped"
    for name in ("config.toml", "jingles/opening.wav", "jingles/closing.wav"):
        assert (shipped / name).is_file() and not (shipped / name).is_symlink(), name
        assert (shipped / name).read_bytes() == (REPO / ("audio/" if "jingles" in name else "") / name).read_bytes()
    assert (package / "demodata" / "tin-mau.csv").is_file()


@pytest.mark.slow
def test_a_short_demo_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo-station"
    result = run(installed / "broadcaster", "demo", "--dir", folder, "--quick", cwd=tmp_path)
    log = result.stdout.split("== Airing log ==")[1]
    assert " Bản tin sáng " in log and " completed " in log, result.stdout
    assert "The airing log is intact: 1 airings" in result.stdout
    assert len(list((folder / "aired").glob("*.wav"))) == 1
    # the bulletin opened with the shipped jingle, not one generated for want of it
    assert not (folder / "data" / "audio" / "jingles").exists()
    # and the demo may run again in its own folder, which it replaces
    run(installed / "broadcaster", "demo", "--dir", folder, "--quick", cwd=tmp_path)
