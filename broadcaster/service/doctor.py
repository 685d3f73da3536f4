"""`broadcaster doctor`: can this station run? Each check says ok, or what is wrong and the fixing command."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.config import Config, lint, load_config
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import N_, _, format_number

if TYPE_CHECKING:
    from broadcaster.speech.engine import EngineSpec

MIN_FREE_BYTES = 1 << 30  # a year of bulletins and reports fits easily in 1 GiB
INIT_FIX = N_("Run `broadcaster init` to create it.")


@dataclass(frozen=True)
class Check:
    name: str  # marked with N_: `doctor` shows it translated, the console by its CHECK_LABELS
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
        return Check(
            N_("database"),
            False,
            _("The station database {where} does not exist.").format(where=describe_url(url)),
            _(INIT_FIX),
        )
    try:
        station = Station.open(config.path)
    except BroadcasterError as exc:
        return Check(N_("database"), False, exc.message, _fix(exc.hint))
    try:
        station.ready()
        # a damaged page or a read-only file passes `ready`: found here, not at the daemon's first record
        station.db.check_integrity()
        station.db.check_writable()
        detail = _("{schema} at {where}").format(schema=station.db.current_revision(), where=describe_url(url))
        return Check(N_("database"), True, detail)
    except BroadcasterError as exc:
        return Check(N_("database"), False, exc.message, _fix(exc.hint))
    finally:
        station.close()


def _fix(hint: str | None) -> str | None:
    """The fix to show; a hint that says to run doctor is no fix from inside doctor."""
    if hint and "broadcaster doctor" in hint:
        return None
    return hint


def check_disk(config: Config) -> Check:
    folder = config.folder
    free = shutil.disk_usage(folder).free
    detail = _("{gib} GiB free on the disk holding {folder}").format(
        gib=format_number(free / (1 << 30), 1), folder=folder
    )
    if free < MIN_FREE_BYTES:
        return Check(
            N_("disk space"),
            False,
            detail + " " + _("(less than 1 GiB)"),
            _("Free space: delete old files in the aired/ and data/audio/bulletins/ folders."),
        )
    return Check(N_("disk space"), True, detail)


def check_ffmpeg_binary(_config: Config) -> Check:
    from broadcaster.media.ffmpeg import check_ffmpeg

    return _problem_check("ffmpeg", check_ffmpeg(), _("installed"))


def check_speech_engines(config: Config) -> list[Check]:
    """One check per engine broadcaster knows (broadcaster/speech/registry.py), in the registry's order."""
    from broadcaster.speech.registry import ENGINE_MODULES, engine_spec, settings_of

    return [_check_engine(config, engine_spec(name), settings_of(config.speech, name)) for name in ENGINE_MODULES]


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
            return Check(
                N_("audio output"),
                False,
                _("{folder} is not a folder").format(folder=folder),
                _("Change [output] dir in config.toml."),
            )
        return Check(
            N_("audio output"), True, _("dry run: airings are written as WAV files to {folder}").format(folder=folder)
        )
    from broadcaster.sound.devices import DEVICES_HINT, check_device

    return _problem_check(
        N_("audio output"),
        check_device(config.output.device, config.output.backend),  # type: ignore[arg-type]
        _("sound device '{device}' is present and opens").format(device=config.output.device),
        (DEVICES_HINT,),
    )


def check_amplifier_control(config: Config) -> Check:
    from broadcaster.sound.amplifier import CONFIG_HINT, check_amplifier

    amp = config.amplifier
    if not amp.on_command and not amp.off_command:
        return Check(N_("amplifier control"), True, _("not configured (the amplifier is switched by hand)"))
    return _problem_check(
        N_("amplifier control"),
        check_amplifier(amp.on_command, amp.off_command),
        _("commands present: {on} / {off}").format(
            on=amp.on_command[0] if amp.on_command else "-", off=amp.off_command[0] if amp.off_command else "-"
        ),
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
        return [Check(N_("config"), False, str(exc), _("Fix config.toml and run `broadcaster config check`."))]
    detail = _("{path} ({topics} topics, {slots} slots)").format(
        path=config.path, topics=len(config.topics), slots=len(config.slots)
    )
    warnings = lint(config)
    if warnings:
        detail += _("; {count} warning(s): run `broadcaster config check` to see them").format(count=len(warnings))
    results = [Check(N_("config"), True, detail)]
    for check in CHECKS:
        try:
            found = check(config)
            results.extend(found if isinstance(found, list) else [found])
        except BroadcasterError as exc:
            results.append(Check(check.__name__.removeprefix("check_"), False, exc.message, _fix(exc.hint)))
    return results
