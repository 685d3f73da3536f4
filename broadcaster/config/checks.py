"""Rules that span sections of config.toml: topics a slot names, languages, relays, the hub, the database.

Each adds its problems to one list, so `config check` reports everything wrong at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster.config.rules import WEEKDAYS, database_problem, did_you_mean, parse_time, parse_window, slot_problems
from broadcaster.config.sections import (
    LANGUAGES,
    PRIORITIES,
    TARGET_KINDS,
    TARGET_PERIODS,
    HubConfig,
    LanguageConfig,
    MasteringConfig,
    OutputConfig,
    RecordingsConfig,
    SlotConfig,
    SpeechConfig,
    StationConfig,
    TopicConfig,
    WebConfig,
)
from broadcaster.i18n import N_, _


def _unknown(where: str, problem: str, value: str, known: Sequence[str]) -> str:
    """`where: unknown day 'thur'. Did you mean 'thu'?` (`problem` is marked with N_ and has a {value})."""
    return f"{where}: " + _(problem).format(value=value) + did_you_mean(value, known)


_STATION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{3}$")


def check_sections(cfg: dict[str, Any], problems: list[str]) -> None:
    _check_station_and_programme(cfg, problems)
    _check_web(cfg, problems)
    _check_languages(cfg, problems)
    _check_relays(cfg, problems)
    problems += check_hub(cfg["hub"])


def _check_station_and_programme(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    database = database_problem(station.database)
    if database:
        problems.append(database)
    try:
        ZoneInfo(station.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            _("station.timezone: '{zone}' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\"").format(
                zone=station.timezone
            )
        )
    topics: list[TopicConfig] = [t for t in cfg["topics"] if t is not None]
    codes = [t.code for t in topics]
    if not cfg["topics"]:
        problems.append(_("topics: no [[topics]] defined; add the plan's content topics"))
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("{where}: code '{code}' is used more than once").format(where="topics", code=dup))

    def check_topic(code: str, where: str) -> None:
        if code not in codes:
            problems.append(_unknown(where, N_("unknown topic code '{value}'."), code, codes))

    slot_names = [s.name for s in cfg["slots"] if s is not None]
    for dup in sorted({n for n in slot_names if slot_names.count(n) > 1}):
        problems.append(_("{where}: name '{name}' is used more than once").format(where="slots", name=dup))
    for i, slot in enumerate(cfg["slots"], start=1):
        if slot is None:
            continue
        where = f"slots[{i}]"
        try:
            parse_time(slot.time)
        except ValueError as exc:
            problems.append(f"{where}.time: {exc}")
        for day in slot.days:
            if day not in WEEKDAYS:
                problems.append(_unknown(f"{where}.days", N_("unknown day '{value}'."), day, WEEKDAYS))
        for code in slot.topics:
            check_topic(code, f"{where}.topics")
        for prio in slot.priorities:
            if prio not in PRIORITIES:
                problems.append(_unknown(f"{where}.priorities", N_("unknown priority '{value}'."), prio, PRIORITIES))
    problems += slot_problems(cfg["slots"])
    for window in cfg["broadcast_hours"].allowed:
        try:
            parse_window(window)
        except ValueError as exc:
            problems.append(f"broadcast_hours.allowed: {exc}")
    _check_sound_and_targets(cfg, problems, codes)


def _check_sound_and_targets(cfg: dict[str, Any], problems: list[str], codes: list[str]) -> None:
    from broadcaster.speech.registry import chain_problems

    speech: SpeechConfig = cfg["speech"]
    problems += chain_problems(speech)
    mastering: MasteringConfig = cfg["mastering"]
    if mastering.sample_rate not in (16000, 22050, 24000, 32000, 44100, 48000):
        problems.append(_("mastering.sample_rate: use 16000, 22050, 24000, 32000, 44100 or 48000"))
    output: OutputConfig = cfg["output"]
    if output.kind not in ("device", "file"):
        problems.append(_('output.kind: must be "device" or "file", not \'{value}\'').format(value=output.kind))
    if output.backend not in ("auto", "pulse", "alsa"):
        problems.append(
            _('output.backend: must be "auto", "pulse" or "alsa", not \'{value}\'').format(value=output.backend)
        )
    for i, target in enumerate(cfg["targets"], start=1):
        if target is None:
            continue
        where = f"targets[{i}]"
        if target.kind not in TARGET_KINDS:
            problems.append(_unknown(f"{where}.kind", N_("unknown kind '{value}'."), target.kind, TARGET_KINDS))
        if target.per not in TARGET_PERIODS:
            problems.append(_unknown(f"{where}.per", N_("unknown period '{value}'."), target.per, TARGET_PERIODS))
        if target.topic:
            if target.topic not in codes:
                problems.append(_unknown(f"{where}.topic", N_("unknown topic code '{value}'."), target.topic, codes))


def _check_web(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    if station.language not in LANGUAGES:
        problems.append(
            _unknown("station.language", N_("unknown language '{value}'."), station.language, LANGUAGES)
            + " "
            + _('Use "vi" (Vietnamese) or "en" (English)')
        )
    web: WebConfig = cfg["web"]
    if not 1 <= web.port <= 65535:
        problems.append(_("web.port: must be between 1 and 65535 (e.g. 8080)"))
    if not web.host.strip():
        problems.append(_('web.host: must not be empty; use "127.0.0.1" (this PC only) or "0.0.0.0" (the LAN)'))
    if not 0 < web.upload_limit_mb <= 1024:
        problems.append(_("web.upload_limit_mb: must be more than 0 and at most 1024 (megabytes)"))
    if not 0 < web.session_hours <= 24 * 90:
        problems.append(_("web.session_hours: must be more than 0 and at most 2160 (90 days)"))


def _check_languages(cfg: dict[str, Any], problems: list[str]) -> None:
    languages: list[LanguageConfig] = [lang for lang in cfg["languages"] if lang is not None]
    codes = [lang.code for lang in languages]
    for lang in languages:
        if not _LANGUAGE_CODE.match(lang.code):
            problems.append(
                _("languages: '{code}' is not an ISO 639-3 code (three small letters, e.g. \"tyz\")").format(
                    code=lang.code
                )
            )
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("{where}: code '{code}' is used more than once").format(where="languages", code=dup))
    if codes and "vie" not in codes:
        problems.append(_('languages: "vie" (Tiếng Việt) must stay in the list: typed news is spoken in Vietnamese'))
    for i, slot in enumerate(cfg["slots"], start=1):
        for code in slot.languages if slot is not None else []:
            if code not in codes:
                problems.append(_unknown(f"slots[{i}].languages", N_("unknown language '{value}'."), code, codes))
    recordings: RecordingsConfig | None = cfg.get("recordings")
    if recordings is not None and recordings.min_seconds >= recordings.max_minutes * 60:
        problems.append(
            _("recordings.min_seconds: must be shorter than max_minutes, or no recording could be accepted")
        )


def _check_relays(cfg: dict[str, Any], problems: list[str]) -> None:
    codes = [t.code for t in cfg["topics"] if t is not None]
    slots: list[SlotConfig | None] = cfg["slots"]
    for i, slot in enumerate(slots, start=1):
        if slot is None:
            continue
        where = f"slots[{i}]"
        if slot.relay_url and not re.match(r"^(https?|file)://\S+$", slot.relay_url):
            problems.append(
                _(
                    "{where}.relay_url: '{url}' is not a stream address; "
                    'write e.g. "http://truyenthanh.huyen.vn:8000/live.mp3"'
                ).format(where=where, url=slot.relay_url)
            )
        if not slot.relay_url and (slot.relay_name or slot.relay_topic):
            problems.append(
                _("{where}: relay_name and relay_topic need relay_url (the stream to relay)").format(where=where)
            )
        if slot.relay_topic and slot.relay_topic not in codes:
            problems.append(
                _unknown(f"{where}.relay_topic", N_("unknown topic code '{value}'."), slot.relay_topic, codes)
            )


def check_hub(hub: HubConfig) -> list[str]:
    """Problems in [hub]; the ranges are checked with the other values."""
    problems = []
    if hub.url and not re.match(r"^https?://[^\s/]+", hub.url):
        problems.append(
            _("hub.url: '{url}' is not a web address; write e.g. \"https://hub.huyen.vn\"").format(url=hub.url)
        )
    if hub.station and not _STATION_CODE.match(hub.station):
        problems.append(
            _("hub.station: '{code}' is not a station code (letters, digits, '-', '_', '.')").format(code=hub.station)
        )
    if hub.hub_key:
        from broadcaster.errors import InputError
        from broadcaster.signing import parse_public_key  # cryptography: only when a hub is configured

        try:
            parse_public_key(hub.hub_key)
        except InputError:
            problems.append(_("hub.hub_key: not an Ed25519 public key; run `broadcaster hub-link` again"))
    if hub.url and not hub.hub_key:
        problems.append(_("hub.hub_key: missing; run `broadcaster hub-link` to pin the hub's key"))
    return problems
