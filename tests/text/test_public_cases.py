"""The shared public normalization cases, scored by the shared checker through `broadcaster normalize`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.mark.skipif(
    not (SHARED / "tools" / "check_normalization.py").exists(),
    reason="../shared (the shared checker and its public cases) is not beside the project",
)
def test_every_public_case_passes_the_shared_checker() -> None:
    broadcaster = shutil.which("broadcaster", path=str(Path(sys.executable).parent))
    assert broadcaster, "broadcaster is not installed in this Python's environment"
    run = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "check_normalization.py"),
         str(SHARED / "testdata" / "vi_normalization_public.jsonl"), "--cmd", f"{broadcaster} normalize", "-v"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    last = run.stdout.strip().splitlines()[-1]
    assert last.endswith(" 0 failed"), run.stdout + run.stderr
    assert run.returncode == 0
