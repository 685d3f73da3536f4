"""The amplifier is switched by real commands (small scripts standing in for a relay tool)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from broadcaster.errors import AmplifierError
from broadcaster.sound.amplifier import CommandAmplifier, NoAmplifier, check_amplifier


def relay_script(tmp_path: Path, body: str = "") -> tuple[Path, Path]:
    """A relay tool: `relay on|off` writes the state file, like a USB relay would switch."""
    state = tmp_path / "relay-state"
    script = tmp_path / "relay"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\nopen({str(state)!r}, 'w').write(sys.argv[1])\n")
    script.chmod(0o755)
    return script, state


def test_switching_on_and_off_runs_the_configured_commands(tmp_path: Path) -> None:
    script, state = relay_script(tmp_path)
    amp = CommandAmplifier([str(script), "on"], [str(script), "off"], warmup_s=3)
    assert amp.state == "unknown"

    amp.switch_on()
    assert state.read_text() == "on"
    assert amp.state == "on"
    assert amp.warmup_s == 3

    amp.switch_off()
    assert state.read_text() == "off"
    assert amp.state == "off"


def test_a_failing_relay_names_the_command_and_its_message(tmp_path: Path) -> None:
    script, state = relay_script(tmp_path, "sys.stderr.write('relay HURTM not found\\n'); sys.exit(3)")
    amp = CommandAmplifier([str(script), "on"], [str(script), "off"])

    with pytest.raises(AmplifierError) as err:
        amp.switch_on()

    assert f"`{script} on` exited with status 3: relay HURTM not found" in err.value.message
    assert "plugged in" in (err.value.hint or "")
    assert amp.state == "failed"
    assert not state.exists()


@pytest.mark.slow  # a real process that hangs, and a real timeout
def test_a_hanging_relay_times_out(tmp_path: Path) -> None:
    script, _ = relay_script(tmp_path, "time.sleep(30)")
    amp = CommandAmplifier([str(script), "on"], [str(script), "off"], timeout_s=0.5)

    with pytest.raises(AmplifierError, match=r"did not finish within 0\.5 s") as err:
        amp.switch_on()
    assert "timeout_seconds" in (err.value.hint or "")


def test_a_missing_program_says_so(tmp_path: Path) -> None:
    amp = CommandAmplifier(["no-such-relay-tool", "1"], ["no-such-relay-tool", "0"])

    with pytest.raises(AmplifierError, match="program 'no-such-relay-tool' not found"):
        amp.switch_off()


def test_the_command_is_not_given_to_a_shell(tmp_path: Path) -> None:
    script, state = relay_script(tmp_path)
    amp = CommandAmplifier([str(script), "on; touch hacked"], [str(script), "off"])

    amp.switch_on()

    assert state.read_text() == "on; touch hacked"
    assert not (tmp_path / "hacked").exists()


def test_no_amplifier_does_nothing() -> None:
    amp = NoAmplifier()
    amp.switch_on()
    amp.switch_off()
    assert amp.state == "not controlled"
    assert amp.warmup_s == 0


def test_doctor_check(tmp_path: Path) -> None:
    script, _ = relay_script(tmp_path)
    assert check_amplifier([], []) is None
    assert check_amplifier([str(script), "on"], [str(script), "off"]) is None

    problem = check_amplifier(["gpioset-missing", "x"], [str(script), "off"])
    assert problem is not None
    assert "on_command" in problem and "gpioset-missing" in problem

    script.chmod(0o644)
    problem = check_amplifier([str(script), "on"], [str(script), "off"])
    assert problem is not None
    assert f"chmod +x {script}" in problem

    assert "Only one" in (check_amplifier([str(script)], []) or "")
