"""Rules that span sections of config.toml: topics a slot names, languages, relays, the hub, the database.

Each adds its problems to one list, so `config check` reports everything wrong at once.
"""

from __future__ import annotations

import re
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
    SlotConfig,
    SpeechConfig,
    StationConfig,
    TopicConfig,
    WebConfig,
)

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
            f"station.timezone: '{station.timezone}' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\""
        )
    topics: list[TopicConfig] = [t for t in cfg["topics"] if t is not None]
    codes = [t.code for t in topics]
    if not cfg["topics"]:
        problems.append("topics: no [[topics]] defined; add the plan's content topics")
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"topics: code '{dup}' is used more than once")

    def check_topic(code: str, where: str) -> None:
        if code not in codes:
            problems.append(f"{where}: unknown topic code '{code}'.{did_you_mean(code, codes)}")

    slot_names = [s.name for s in cfg["slots"] if s is not None]
    for dup in sorted({n for n in slot_names if slot_names.count(n) > 1}):
        problems.append(f"slots: name '{dup}' is used more than once")
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
                problems.append(f"{where}.days: unknown day '{day}'.{did_you_mean(day, WEEKDAYS)}")
        for code in slot.topics:
            check_topic(code, f"{where}.topics")
        for prio in slot.priorities:
            if prio not in PRIORITIES:
                problems.append(f"{where}.priorities: unknown priority '{prio}'.{did_you_mean(prio, PRIORITIES)}")
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
        problems.append("mastering.sample_rate: use 16000, 22050, 24000, 32000, 44100 or 48000")
    output: OutputConfig = cfg["output"]
    if output.kind not in ("device", "file"):
        problems.append(f'output.kind: must be "device" or "file", not \'{output.kind}\'')
    if output.backend not in ("auto", "pulse", "alsa"):
        problems.append(f'output.backend: must be "auto", "pulse" or "alsa", not \'{output.backend}\'')
    for i, target in enumerate(cfg["targets"], start=1):
        if target is None:
            continue
        where = f"targets[{i}]"
        if target.kind not in TARGET_KINDS:
            problems.append(f"{where}.kind: unknown kind '{target.kind}'.{did_you_mean(target.kind, TARGET_KINDS)}")
        if target.per not in TARGET_PERIODS:
            problems.append(f"{where}.per: unknown period '{target.per}'.{did_you_mean(target.per, TARGET_PERIODS)}")
        if target.topic:
            if target.topic not in codes:
                problems.append(
                    f"{where}.topic: unknown topic code '{target.topic}'.{did_you_mean(target.topic, codes)}"
                )


def _check_web(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    if station.language not in LANGUAGES:
        problems.append(
            f"station.language: unknown language '{station.language}'.{did_you_mean(station.language, LANGUAGES)}"
            ' Use "vi" (Vietnamese) or "en" (English)'
        )
    web: WebConfig = cfg["web"]
    if not 1 <= web.port <= 65535:
        problems.append("web.port: must be between 1 and 65535 (e.g. 8080)")
    if not web.host.strip():
        problems.append('web.host: must not be empty; use "127.0.0.1" (this PC only) or "0.0.0.0" (the LAN)')
    if not 0 < web.upload_limit_mb <= 1024:
        problems.append("web.upload_limit_mb: must be more than 0 and at most 1024 (megabytes)")
    if not 0 < web.session_hours <= 24 * 90:
        problems.append("web.session_hours: must be more than 0 and at most 2160 (90 days)")


def _check_languages(cfg: dict[str, Any], problems: list[str]) -> None:
    languages: list[LanguageConfig] = [lang for lang in cfg["languages"] if lang is not None]
    codes = [lang.code for lang in languages]
    for lang in languages:
        if not _LANGUAGE_CODE.match(lang.code):
            problems.append(f"languages: '{lang.code}' is not an ISO 639-3 code (three small letters, e.g. \"tyz\")")
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"languages: code '{dup}' is used more than once")
    if codes and "vie" not in codes:
        problems.append('languages: "vie" (Tiếng Việt) must stay in the list: typed news is spoken in Vietnamese')
    for i, slot in enumerate(cfg["slots"], start=1):
        for code in slot.languages if slot is not None else []:
            if code not in codes:
                problems.append(f"slots[{i}].languages: unknown language '{code}'.{did_you_mean(code, codes)}")


def _check_relays(cfg: dict[str, Any], problems: list[str]) -> None:
    codes = [t.code for t in cfg["topics"] if t is not None]
    slots: list[SlotConfig | None] = cfg["slots"]
    for i, slot in enumerate(slots, start=1):
        if slot is None:
            continue
        where = f"slots[{i}]"
        if slot.relay_url and not re.match(r"^(https?|file)://\S+$", slot.relay_url):
            problems.append(
                f"{where}.relay_url: '{slot.relay_url}' is not a stream address; "
                'write e.g. "http://truyenthanh.huyen.vn:8000/live.mp3"'
            )
        if not slot.relay_url and (slot.relay_name or slot.relay_topic):
            problems.append(f"{where}: relay_name and relay_topic need relay_url (the stream to relay)")
        if slot.relay_topic and slot.relay_topic not in codes:
            problems.append(
                f"{where}.relay_topic: unknown topic code '{slot.relay_topic}'.{did_you_mean(slot.relay_topic, codes)}"
            )


def check_hub(hub: HubConfig) -> list[str]:
    """Problems in [hub]; the ranges are checked with the other values."""
    problems = []
    if hub.url and not re.match(r"^https?://[^\s/]+", hub.url):
        problems.append(f"hub.url: '{hub.url}' is not a web address; write e.g. \"https://hub.huyen.vn\"")
    if hub.station and not _STATION_CODE.match(hub.station):
        problems.append(f"hub.station: '{hub.station}' is not a station code (letters, digits, '-', '_', '.')")
    if hub.hub_key:
        from broadcaster.errors import InputError
        from broadcaster.signing import parse_public_key  # cryptography: only when a hub is configured

        try:
            parse_public_key(hub.hub_key)
        except InputError:
            problems.append("hub.hub_key: not an Ed25519 public key; run `broadcaster hub-link` again")
    if hub.url and not hub.hub_key:
        problems.append("hub.hub_key: missing; run `broadcaster hub-link` to pin the hub's key")
    return problems
