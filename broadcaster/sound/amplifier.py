"""Switching the amplifier that drives the horns on before a slot and off after it.

Stations control it in many ways (a USB relay tool, `gpioset`, a tiny serial
script), so broadcaster only runs the two commands from config.toml, without a
shell. The amplifier needs `warmup_s` after switching on before sound is clean:
the caller switches it on that long before air time (switch_on does not wait).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from typing import Protocol

from broadcaster.errors import AmplifierError
from broadcaster.i18n import N_, _

log = logging.getLogger(__name__)

TARGETS = {"on": N_("on"), "off": N_("off")}
CONFIG_HINT = N_("Check on_command and off_command in the [amplifier] section of config.toml.")


class Amplifier(Protocol):
    warmup_s: float
    state: str  # "on", "off", "unknown", "failed" or "not controlled"

    def switch_on(self) -> None: ...

    def switch_off(self) -> None: ...


class NoAmplifier:
    """The amplifier is always on or switched by hand: nothing to do."""

    warmup_s = 0.0
    state = "not controlled"

    def switch_on(self) -> None:
        return None

    def switch_off(self) -> None:
        return None


class CommandAmplifier:
    def __init__(
        self, on_command: list[str], off_command: list[str], warmup_s: float = 0.0, timeout_s: float = 10.0
    ) -> None:
        if not on_command or not off_command:
            raise AmplifierError(_("Amplifier control needs both an on_command and an off_command."), _(CONFIG_HINT))
        self.on_command = list(on_command)
        self.off_command = list(off_command)
        self.warmup_s = warmup_s
        self.timeout_s = timeout_s
        self.state = "unknown"

    def switch_on(self) -> None:
        self._run(self.on_command, "on")

    def switch_off(self) -> None:
        self._run(self.off_command, "off")

    def _run(self, command: list[str], state: str) -> None:
        shown = " ".join(command)
        log.info("switching the amplifier %s: %s", state, shown)
        target = _(TARGETS[state])  # in the messages: "Cannot switch the amplifier on"
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=self.timeout_s, check=False, stdin=subprocess.DEVNULL
            )
        except FileNotFoundError as exc:
            self.state = "failed"
            raise AmplifierError(
                _("Cannot switch the amplifier {target}: program '{command}' not found.").format(
                    target=target, command=command[0]
                ),
                _("Install it or fix the path.") + " " + _(CONFIG_HINT),
            ) from exc
        except PermissionError as exc:
            self.state = "failed"
            raise AmplifierError(
                _("Cannot switch the amplifier {target}: '{command}' is not executable.").format(
                    target=target, command=command[0]
                ),
                _("Run `chmod +x {program}` or fix the path.").format(program=command[0]) + " " + _(CONFIG_HINT),
            ) from exc
        except subprocess.TimeoutExpired as exc:
            self.state = "failed"
            raise AmplifierError(
                _("Switching the amplifier {target} did not finish within {timeout_s:g} s: `{shown}`.").format(
                    target=target, timeout_s=self.timeout_s, shown=shown
                ),
                _("Check that the relay is plugged in, or raise [amplifier] timeout_seconds."),
            ) from exc
        except OSError as exc:
            self.state = "failed"
            raise AmplifierError(
                _("Cannot switch the amplifier {target}: `{shown}`: {strerror}.").format(
                    target=target, shown=shown, strerror=exc.strerror
                ),
                _(CONFIG_HINT),
            ) from exc
        if result.returncode != 0:
            self.state = "failed"
            stderr = (result.stderr or result.stdout).strip()
            detail = stderr.splitlines()[-1] if stderr else "no message"
            raise AmplifierError(
                _(
                    "Switching the amplifier {target} failed: `{shown}` exited with status {returncode}: {detail}"
                ).format(target=target, shown=shown, returncode=result.returncode, detail=detail),
                _("Check that the relay is plugged in and the command works when run by hand."),
            )
        self.state = state


def check_amplifier(on_command: list[str], off_command: list[str]) -> str | None:
    """For `broadcaster doctor`: None when both commands exist and can run (they are not run)."""
    if not on_command and not off_command:
        return None
    if not on_command or not off_command:
        return _("Only one of on_command / off_command is set.") + " " + _(CONFIG_HINT)
    for label, command in (("on_command", on_command), ("off_command", off_command)):
        program = command[0]
        found = shutil.which(program)
        if found is None:
            if os.path.sep in program and os.path.exists(program):
                return _("[amplifier] {label}: '{program}' is not executable. Fix: chmod +x {program}").format(
                    label=label, program=program
                )
            return _(
                "[amplifier] {label}: program '{program}' was not found. "
                "Fix: install it, or give its full path in config.toml."
            ).format(label=label, program=program)
    return None
