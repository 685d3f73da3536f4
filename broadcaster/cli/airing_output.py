"""What `log show` prints of one airing: in English the JSON's field names and values as stored
(docs/json.md), in Vietnamese the console's words for them (templates/airing.html)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from broadcaster.cli import words
from broadcaster.i18n import N_, _
from broadcaster.web import labels

if TYPE_CHECKING:
    from broadcaster.airlog import AiringRecord
    from broadcaster.reports.verification import LogVerdict
    from broadcaster.service.context import Station

FIELDS = {
    "id": N_("Airing number"),
    "slot": N_("Slot"),
    "kind": N_("Kind of airing"),
    "scheduled_at": N_("Due at"),
    "started_at": N_("Sound from"),
    "ended_at": N_("Sound until"),
    "duration_seconds": N_("Length on air"),
    "status": N_("Status"),
    "reason": N_("Why"),
    "output": N_("Output"),
    "device": N_("Device"),
    "amplifier": N_("Amplifier"),
    "exemption": N_("Exemption"),
    "audio_sha256": N_("Fingerprint of the sound sent"),
    "prev_hash": N_("Hash of the airing before"),
    "hash": N_("Hash of this airing"),
}


def log_line(record: AiringRecord, station: Station) -> str:
    """One airing as `broadcaster log` lists it."""
    local = words.second(station.local(record.scheduled_at))
    cut = _("(cut)")
    items = ", ".join(f"#{i.item_id}" + ("" if i.completed else cut) for i in record.items) or "-"
    reason = f"  ({labels.reason_text(record.reason)})" if record.reason else ""
    status = words.airing_status(record.status)
    return (
        f"{record.seq:>5}  {local}  {status:<11} {words.decimal(record.duration_seconds):>7} s  "
        f"{record.slot}  " + _("items: {ids}").format(ids=items) + reason
    )


def verdict_line(result: LogVerdict) -> str:
    """What `broadcaster log verify` found, in a sentence that says what to do when the log is not intact."""
    from broadcaster.reports.reasons_vi import problem_shown

    if not result.chain.ok:
        return _("The airing log is NOT intact: {problem}").format(problem=problem_shown(result.problem or ""))
    if not result.ok:
        return _(
            "The airtime figures that reports read do not match the airing log: {problem} The {count} airings "
            "now in the log are chained correctly (verification code {count}:{hash}). Run `broadcaster log "
            "rebuild-summary` to sum the figures again from the log; it refuses when airings are missing, and "
            "then the station database must be restored from a backup."
        ).format(problem=problem_shown(result.figures_problem or ""), count=result.count, hash=result.head_hash)
    return _("The airing log is intact: {count} airings, verification code {count}:{hash}").format(
        count=result.count, hash=result.head_hash
    )


def _value(key: str, value: Any) -> str:
    """A field's value as the Vietnamese reader writes it."""
    if key in ("scheduled_at", "started_at", "ended_at"):
        return words.second(datetime.fromisoformat(value))
    if key == "duration_seconds":
        return words.decimal(value) + " s"
    if key == "kind":
        return labels.label(labels.AIRING_KINDS, value)
    if key == "status":
        return labels.label(labels.AIRING_STATUSES, value)
    if key in ("reason", "exemption"):
        return labels.reason_text(value)
    if key == "amplifier":
        return labels.label(labels.AMPLIFIER_STATES, value)
    return str(value)


def print_airing(data: dict[str, Any]) -> None:
    vietnamese = words.vietnamese()
    shown = [(key, data[key]) for key in FIELDS if data.get(key) is not None]
    names = {key: _(FIELDS[key]) if vietnamese else key for key, _value in shown}
    width = max(18, *(len(name) + 2 for name in names.values()))
    for key, value in shown:
        click.echo(f"{names[key] + ':':<{width}}{_value(key, value) if vietnamese else value}")
    for item in data["items"]:
        cut = "" if item["completed"] else "  " + _("(cut short)")
        by = ", " + _("approved by {name}").format(name=item["approved_by"]) if item["approved_by"] else ""
        priority = words.priority(item["priority"])
        click.echo(
            f"  +{words.decimal(item['offset_seconds']):>7} s  {words.decimal(item['duration_seconds']):>6} s  "
            f"#{item['item_id']} [{item['topic']}, {priority}] {item['title']}  ({item['engine']}/{item['voice']}"
            f"{by}){cut}"
        )
