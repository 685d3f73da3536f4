"""`broadcaster doctor`: can this station run? Each check says ok, or what is wrong and the fixing command."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.config import Config, lint, load_config
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _

if TYPE_CHECKING:
    from broadcaster.speech.engine import EngineSpec

MIN_FREE_BYTES = 1 << 30  # a year of bulletins and reports fits easily in 1 GiB
INIT_FIX = "Run `broadcaster init` to create it."


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def _problem_check(name: str, problem: str | None, ok_detail: str, hints: tuple[str, ...] = ()) -> Check:
    """A check from an adapter's "what is wrong. Fix: what to do" text (or one ending in a known hint)."""
    if problem is None:
        return Check(name, True, ok_detail)
    what, _sep, fix = problem.partition(" Fix: ")
    if not fix:
        # Some adapters end the text with their usual hint instead of "Fix:"; the fix line must still show.
        for hint in hints:
            if problem.endswith(" " + hint):
                what, fix = problem.removesuffix(" " + hint), hint
                break
    return Check(name, False, what, fix or None)


def check_database(config: Config) -> Check:
    from broadcaster.service.context import Station
    from broadcaster.store.db import describe_url, sqlite_file

    url = config.database_url
    path = sqlite_file(url)
    # Connecting would create an empty file: a check must not change the station.
    if path is not None and not path.exists():
        return Check("database", False, f"The station database {describe_url(url)} does not exist.", INIT_FIX)
    try:
        station = Station.open(config.path)
    except BroadcasterError as exc:
        return Check("database", False, exc.message, _fix(exc.hint))
    try:
        station.ready()
        # a damaged page or a read-only file passes `ready`: found here, not at the daemon's first record
        station.db.check_integrity()
        station.db.check_writable()
        return Check("database", True, f"{station.db.current_revision()} at {describe_url(url)}")
    except BroadcasterError as exc:
        return Check("database", False, exc.message, _fix(exc.hint))
    finally:
        station.db.dispose()


def _fix(hint: str | None) -> str | None:
    """The fix to show; a hint that says to run doctor is no fix from inside doctor."""
    if hint and "broadcaster doctor" in hint:
        return None
    return hint


def check_disk(config: Config) -> Check:
    folder = config.folder
    free = shutil.disk_usage(folder).free
    detail = f"{free / (1 << 30):.1f} GiB free on the disk holding {folder}"
    if free < MIN_FREE_BYTES:
        return Check(
            "disk space",
            False,
            detail + " (less than 1 GiB)",
            "Free space: delete old files in the aired/ and data/audio/bulletins/ folders.",
        )
    return Check("disk space", True, detail)


def check_ffmpeg_binary(_config: Config) -> Check:
    from broadcaster.media.ffmpeg import check_ffmpeg

    return _problem_check("ffmpeg", check_ffmpeg(), "installed")


def check_speech_engines(config: Config) -> list[Check]:
    """One check per engine broadcaster knows (broadcaster/speech/registry.py), in the registry's order."""
    from broadcaster.speech.registry import ENGINES, settings_of

    return [_check_engine(config, spec, settings_of(config.speech, name)) for name, spec in ENGINES.items()]


def _check_engine(config: Config, spec: EngineSpec, settings: object) -> Check:
    chain = config.speech.chain
    if spec.name not in chain or settings is None:
        return Check(spec.label, True, _("not used by this station's config"))
    problem = spec.check(settings, config.folder)
    if problem is not None and spec.online:
        # an online voice out of reach is no fault: the offline ones speak, and it is tried again next time
        fallback = ", ".join(name for name in chain if name != spec.name) or _("none")
        return Check(
            spec.label,
            True,
            _("unreachable ({problem}); the fallback voice is used: {fallback}").format(
                problem=problem, fallback=fallback
            ),
        )
    return _problem_check(spec.label, problem, _(spec.ready))


def check_output(config: Config) -> Check:
    if config.output.kind == "file":
        folder = config.output_dir
        if folder.exists() and not folder.is_dir():
            return Check("audio output", False, f"{folder} is not a folder", "Change [output] dir in config.toml.")
        return Check("audio output", True, f"dry run: airings are written as WAV files to {folder}")
    from broadcaster.sound.devices import DEVICES_HINT, check_device

    return _problem_check(
        "audio output",
        check_device(config.output.device, config.output.backend),  # type: ignore[arg-type]
        f"sound device '{config.output.device}' is present and opens",
        (DEVICES_HINT,),
    )


def check_amplifier_control(config: Config) -> Check:
    from broadcaster.sound.amplifier import CONFIG_HINT, check_amplifier

    amp = config.amplifier
    if not amp.on_command and not amp.off_command:
        return Check("amplifier control", True, "not configured (the amplifier is switched by hand)")
    return _problem_check(
        "amplifier control",
        check_amplifier(amp.on_command, amp.off_command),
        f"commands present: {amp.on_command[0] if amp.on_command else '-'} / "
        f"{amp.off_command[0] if amp.off_command else '-'}",
        (CONFIG_HINT,),
    )


CHECKS: list[Callable[[Config], Check | list[Check]]] = [
    check_database,
    check_ffmpeg_binary,
    check_speech_engines,
    check_disk,
    check_output,
    check_amplifier_control,
]


def run_checks(config_path: Path) -> list[Check]:
    try:
        config = load_config(config_path)
    except BroadcasterError as exc:
        return [Check("config", False, str(exc), "Fix config.toml and run `broadcaster config check`.")]
    detail = f"{config.path} ({len(config.topics)} topics, {len(config.slots)} slots)"
    warnings = lint(config)
    if warnings:
        detail += _("; {count} warning(s): run `broadcaster config check` to see them").format(count=len(warnings))
    results = [Check("config", True, detail)]
    for check in CHECKS:
        try:
            found = check(config)
            results.extend(found if isinstance(found, list) else [found])
        except BroadcasterError as exc:
            results.append(Check(check.__name__.removeprefix("check_"), False, exc.message, _fix(exc.hint)))
    return results
