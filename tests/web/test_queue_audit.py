"""The news queue's actions are audited by the core, whichever front end asked (the command line here, the
console in test_items_api.py), with who queued each item; nobody approves their own item when approval is
required. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from broadcaster.errors import InputError
from broadcaster.service.actor import Actor, cli_user
from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk, OwnItem
from broadcaster.store import audit
from tests.conftest import StationCLI, write_config

APPROVAL = {"require_approval = false": "require_approval = true"}


def trail(cli: StationCLI) -> list[dict[str, Any]]:
    """The audit trail, oldest first, as `broadcaster audit --json` shows it."""
    return list(reversed(json.loads(cli.ok("audit", "--json", "--limit", "1000"))))


def items_of(entries: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(e["actor"], e["action"], e["target"]) for e in entries if e["action"].startswith("item.")]


@pytest.fixture
def approval_cli(tmp_path: Path, db_url: str) -> StationCLI:
    cli = StationCLI(write_config(tmp_path, db_url, replace=APPROVAL))
    cli.init()
    return cli


def desk(cli: StationCLI, name: str | None) -> NewsDesk:
    station = Station.open(cli.config)
    return NewsDesk(station, Actor(name, "192.168.1.20") if name else None)


def test_every_change_on_the_command_line_is_audited_as_its_computer_user(
    station_cli: StationCLI, tmp_path: Path
) -> None:
    me = cli_user()
    first = station_cli.add("Tin thứ nhất", "mot-cua", "Bộ phận một cửa làm việc cả thứ bảy.")
    station_cli.ok("news", "edit", str(first), "--title", "Tin thứ nhất (sửa)")
    station_cli.ok("news", "approve", str(first), "--by", "Nguyễn Văn An")
    sheet = tmp_path / "tin.csv"
    sheet.write_text("title,topic,text\nTin A,mot-cua,Nội dung A.\nTin B,thu-tuc,Nội dung B.\n", encoding="utf-8")
    station_cli.ok("news", "import", str(sheet))
    station_cli.ok("news", "cancel", str(first))
    entries = trail(station_cli)
    assert items_of(entries) == [
        (me, "item.add", f"item:{first}"),
        (me, "item.edit", f"item:{first}"),
        (me, "item.approve", f"item:{first}"),
        (me, "item.import", None),
        (me, "item.cancel", f"item:{first}"),
    ]
    by_action = {e["action"]: e for e in entries}
    assert all(e["address"] == "local" for e in entries if e["action"].startswith("item."))
    assert by_action["item.edit"]["details"]["fields"] == ["title"]
    assert by_action["item.approve"]["details"]["approved_by"] == "Nguyễn Văn An"
    assert by_action["item.import"]["details"] == {"file": "tin.csv", "items": [first + 1, first + 2]}
    assert station_cli.ok("audit", "verify").startswith("The audit trail is intact")
    assert desk(station_cli, None).author_of(first) == me  # who queued it is kept for the approval rule


def test_air_now_is_audited_with_the_request_it_makes(station_cli: StationCLI) -> None:
    item = station_cli.add("Tin khẩn", "mot-cua", "Mất điện chiều nay.", "--priority", "emergency")
    station = Station.open(station_cli.config)
    from broadcaster.service import onair

    with pytest.raises(onair.DaemonDown, match="not running"):  # the console never airs by itself
        onair.air_now(station, item, actor=Actor("vanhoa", "10.0.0.5"), here=False)
    assert [e["action"] for e in trail(station_cli)][-1] == "item.add"  # refused: nothing recorded
    # With a daemon running, the request and its entry go in together (the daemon itself is tested in
    # tests/onair; here a lock held by this process stands for it, and the wake-up signal comes here).
    from broadcaster.onair.lock import DaemonLock

    woken: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: woken.append(signum))
    try:
        with DaemonLock(station.db, station_cli.config):
            result = onair.air_now(station, item, actor=Actor("vanhoa", "10.0.0.5"), here=False)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert result.outcome == "asked the daemon"
    last = trail(station_cli)[-1]
    assert (last["actor"], last["action"], last["target"], last["address"]) == (
        "vanhoa",
        "item.air_now",
        f"item:{item}",
        "10.0.0.5",
    )
    assert last["details"]["outcome"] == "asked the daemon"


def test_an_item_and_its_audit_entry_are_stored_together_or_not_at_all(
    station_cli: StationCLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    official = desk(station_cli, "vanhoa")
    draft = official.draft(title="Tin hỏng", topic="mot-cua", text="Không được lưu.")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit trail cannot be written")

    monkeypatch.setattr(audit.AuditTrail, "append", broken)  # the station's trail and any other
    with pytest.raises(RuntimeError):
        official.add(draft)
    assert [i.title for i in official.list_items()] == []


def test_nobody_approves_an_item_they_queued_when_approval_is_required(approval_cli: StationCLI) -> None:
    official = desk(approval_cli, "vanhoa")
    item = official.add(official.draft(title="Lịch tiếp dân", topic="mot-cua", text="Thứ hai hằng tuần."))
    with pytest.raises(OwnItem, match=f"You queued news item {item.id} yourself") as refused:
        official.approve(item.id, "vanhoa")
    assert refused.value.http_status == 409
    assert official.get(item.id).approved_at is None
    chairman = desk(approval_cli, "chutich")
    approved = chairman.approve(item.id, "chutich")
    assert approved.approved_by == "chutich"  # the logged-in user's name, carried into the airing log
    # A change to the approved item takes the approval away: the chairman approves the new text.
    changed = official.edit(item.id, text="Thứ hai và thứ năm hằng tuần.")
    assert changed.approved_at is None and changed.approved_by is None
    entries = items_of(trail(approval_cli))
    assert entries == [
        ("vanhoa", "item.add", f"item:{item.id}"),
        ("chutich", "item.approve", f"item:{item.id}"),
        ("vanhoa", "item.edit", f"item:{item.id}"),
    ]
    # The command line is a person too: what it queued, it does not approve itself.
    cli_item = approval_cli.add("Tin từ dòng lệnh", "mot-cua", "Nội dung.")
    assert "yourself" in approval_cli.fails("news", "approve", str(cli_item), "--by", "Chủ tịch")


def test_an_approver_who_changed_an_item_does_not_approve_it_himself(approval_cli: StationCLI) -> None:
    """Two people check what airs: the chairman who rewrote the official's news (and made it an
    emergency) must leave its approval to another approver."""
    official = desk(approval_cli, "vanhoa")
    item = official.add(official.draft(title="Tin gốc", topic="mot-cua", text="Nội dung gốc."))
    chairman = desk(approval_cli, "chutich")
    chairman.edit(item.id, title="Tin do chủ tịch viết lại", text="Văn bản mới.", priority="emergency")
    with pytest.raises(OwnItem, match=f"You changed news item {item.id} after it was queued") as refused:
        chairman.approve(item.id, "chutich")
    assert refused.value.http_status == 409
    assert official.get(item.id).approved_at is None
    # the same person under another spelling of the user name is the same person
    with pytest.raises(OwnItem):
        desk(approval_cli, "ChuTich").approve(item.id, "ChuTich")
    vice = desk(approval_cli, "phochutich")
    assert vice.approve(item.id, "phochutich").approved_by == "phochutich"
    # an approver who only approved (and changed nothing) still approves the official's next item
    other = official.add(official.draft(title="Tin khác", topic="mot-cua", text="Nội dung khác."))
    assert chairman.approve(other.id, "chutich").approved_by == "chutich"


def test_a_cancelled_item_is_not_edited(approval_cli: StationCLI) -> None:
    """An edit form opened before someone cancelled the item: saving it says the item is cancelled
    and changes nothing (no new speech, no audit entry)."""
    official = desk(approval_cli, "vanhoa")
    item = official.add(official.draft(title="Tin bị hủy", topic="mot-cua", text="Nội dung."))
    official.cancel(item.id)
    with pytest.raises(InputError, match=f"News item {item.id} is cancelled"):
        official.edit(item.id, title="Sửa sau khi hủy")
    assert official.get(item.id).title == "Tin bị hủy"
    assert [e["action"] for e in trail(approval_cli)][-1] == "item.cancel"
    assert "is cancelled" in approval_cli.fails("news", "edit", str(item.id), "--title", "Sửa từ dòng lệnh")


def test_without_required_approval_anyone_approves_and_edits_keep_the_approval(station_cli: StationCLI) -> None:
    official = desk(station_cli, "vanhoa")
    item = official.add(official.draft(title="Tin", topic="mot-cua", text="Nội dung."))
    assert official.approve(item.id, "vanhoa").approved_by == "vanhoa"
    assert official.edit(item.id, title="Tin (sửa)").approved_by == "vanhoa"
    nothing = official.edit(item.id, title="Tin (sửa)")  # no change: nothing to audit
    assert nothing.title == "Tin (sửa)"
    assert [a for _, a, _ in items_of(trail(station_cli))] == ["item.add", "item.approve", "item.edit"]


def test_a_form_names_its_fields_in_the_messages(station_cli: StationCLI) -> None:
    official = desk(station_cli, "vanhoa")
    labels = {"title": "Title", "topic": "Topic", "text": "News text", "until": "Last day", "from": "First day"}
    with pytest.raises(InputError) as empty:
        official.draft(title=" ", topic="mot-cua", text="x", labels=labels)
    assert str(empty.value) == "The title is empty. Type a short title; the news goes in the text."
    with pytest.raises(InputError) as order:
        official.draft(
            title="T", topic="mot-cua", text="x", valid_from="2099-03-10", valid_until="2099-03-01", labels=labels
        )
    assert str(order.value).startswith("Last day 2099-03-01 is before First day 2099-03-10.")
    with pytest.raises(InputError, match=r"^Topic: Unknown topic 'motcua'"):
        official.draft(title="T", topic="motcua", text="x", labels=labels)


def test_an_edit_that_takes_the_approval_away_says_so(approval_cli: StationCLI) -> None:
    """Otherwise the official learns it only when the slot airs without the item."""
    item = approval_cli.add("Lịch tiếp dân", "mot-cua", "Thứ hai hằng tuần.")
    desk(approval_cli, "chutich").approve(item, "chutich")
    changed = approval_cli("news", "edit", str(item), "--text", "Thứ hai và thứ năm hằng tuần.")
    assert changed.exit_code == 0
    assert f"News item {item} had been approved; this change takes the approval away" in changed.stderr
    again = approval_cli("news", "edit", str(item), "--text", "Thứ hai, thứ tư và thứ năm.")
    assert "approval" not in again.stderr  # nothing was approved this time
