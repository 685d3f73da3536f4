"""What `log show` prints of one airing: in English the JSON's field names and values as stored
(docs/json.md), in Vietnamese the console's words for them (templates/airing.html)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from broadcaster.cli import words
from broadcaster.i18n import N_, _
from broadcaster.web import labels

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
