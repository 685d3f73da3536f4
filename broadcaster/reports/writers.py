"""Plain text, CSV and JSON report writers, and the atomic file write all writers share.

Each format has a `render_*` function returning the content and a `write_*` function
writing it atomically (a temporary file in the same folder, then a rename), so a reader
never sees half a report.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
from pathlib import Path

from broadcaster.airlog import AiringRecord
from broadcaster.errors import OutputError
from broadcaster.i18n import _
from broadcaster.reports.aggregate import Report, item_airtime_ms, report_to_json
from broadcaster.reports.reasons_vi import reason_vi, unverified_lines
from broadcaster.reports.relays import KIND as RELAY_KIND
from broadcaster.reports.relays import relay_airing
from broadcaster.reports.vietnamese import (
    KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    UNDER_AN_HOUR_S,
    UNIT_LABELS,
    hours_minutes_text,
    minutes_text,
    number_text,
    partial_basis,
    period_phrase,
    vn_short_date,
)

log = logging.getLogger(__name__)

CSV_COLUMNS = (
    "airing_id",
    "date",
    "time",
    "slot",
    "item_id",
    "title",
    "topic_code",
    "topic_name",
    "priority",
    "seconds",
    "status",
    "engine",
    "language",  # ISO 639-3 (vie: Vietnamese)
    "kind",  # speech, or recording
)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` via a temporary file and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(
            _("Could not write the report to {path} ({reason}).").format(path=path, reason=exc.strerror or exc),
            _("Check that the folder exists, is writable and that the file is not open in another program."),
        ) from exc
    log.info("wrote report %s (%s bytes)", path, len(data))
    return path


# --- JSON -----------------------------------------------------------------


def render_json(report: Report) -> str:
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"


def write_json(report: Report, path: Path) -> Path:
    return write_atomic(path, render_json(report).encode("utf-8"))


# --- CSV ------------------------------------------------------------------


INTERRUPTED = "interrupted"
UNVERIFIED_COLUMN = "log_verification"
RELAY_COLUMNS = ("relay_seconds", "fallback_seconds")  # only when the period has relays
TRANSCRIPT_COLUMN = "transcript"  # only when a recorded item of the period has one
# A spreadsheet reads a cell that starts with one of these as a formula (a live link, a command).
# Titles, names and transcripts are typed or imported by people, and the district opens the file
# in Excel: such cells get a leading ' (OWASP's advice for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """Free text as a CSV cell that Excel and LibreOffice show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render_csv(report: Report) -> str:
    """One row per news item that went out on air, in log order.

    A period with relays (tiếp sóng) has two more columns, `relay_seconds` and `fallback_seconds`,
    and one row per relay airing, before its items: kind "relay", no item id and no `seconds` (a
    relay is not the commune's news; a relay counted in a topic also has its item row, as today).
    A period whose recorded items have transcripts has a `transcript` column (the item's text as
    queued). A report made from a log that failed verification has one more column, on every row,
    saying so (and a row of its own when no item aired). A text cell that a spreadsheet would read
    as a formula (a title starting with =, +, -, @) starts with ' (`cell_text`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    warning = f"FAILED: {'; '.join(report.check.problems)}" if report.unverified and report.check else None
    relays = bool(report.relays)
    said = bool(report.transcripts)
    extra = (RELAY_COLUMNS if relays else ()) + ((TRANSCRIPT_COLUMN,) if said else ())
    writer.writerow(CSV_COLUMNS + extra + ((UNVERIFIED_COLUMN,) if warning else ()))
    rows = 0
    names = {t.code: t.name for t in report.topics}
    tz = report.tz
    for rec in report.records:
        local = rec.scheduled_at.astimezone(tz)
        day, clock = local.date().isoformat(), local.strftime("%H:%M:%S")
        if relays and rec.kind == RELAY_KIND:
            writer.writerow(
                (*_relay_row(rec, day, clock, names), *(("",) if said else ()), *((warning,) if warning else ()))
            )
            rows += 1
        for item in rec.items:
            ms = item_airtime_ms(rec, item)
            if ms <= 0:
                continue
            writer.writerow(
                (
                    rec.seq,
                    day,
                    clock,
                    cell_text(rec.slot),
                    item.item_id,
                    cell_text(item.title),
                    cell_text(item.topic),
                    cell_text(names.get(item.topic, item.topic)),
                    item.priority,
                    f"{ms / 1000:.3f}",
                    rec.status if item.completed else INTERRUPTED,  # an item cut short in a bulletin that went on
                    item.engine,
                    item.language,
                    item.kind,
                    *(("", "") if relays else ()),
                    *((cell_text(report.transcripts.get(item.item_id, "")),) if said else ()),
                    *((warning,) if warning else ()),
                )
            )
            rows += 1
    if warning and not rows:
        writer.writerow([""] * (len(CSV_COLUMNS) + len(extra)) + [warning])
    return out.getvalue()


def _relay_row(rec: AiringRecord, day: str, clock: str, names: dict[str, str]) -> tuple[object, ...]:
    """A relay airing's row of the CSV: its source, the topic it counted toward, and its seconds."""
    one = relay_airing(rec)
    topic = ", ".join(one.topics)
    name = ", ".join(names.get(t, t) for t in one.topics)
    return (
        rec.seq,
        day,
        clock,
        cell_text(rec.slot),
        "",
        cell_text(one.source),
        cell_text(topic),
        cell_text(name),
        "",
        "",
        rec.status,
        "relay",
        "",
        RELAY_KIND,
        f"{one.relay_seconds:.3f}",
        f"{one.fallback_seconds:.3f}",
    )


def write_csv(report: Report, path: Path) -> Path:
    # The BOM tells Excel the file is UTF-8; without it Vietnamese shows as mojibake.
    return write_atomic(path, render_csv(report).encode("utf-8-sig"))


# --- plain text -------------------------------------------------------------


def _table(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs]
        lines.append("  " + "  ".join(cells).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _target_lines(report: Report) -> list[str]:
    lines = []
    for r in report.targets:
        t = r.target
        unit = f"{KIND_LABELS[t.kind]}/{UNIT_LABELS[t.per]}"
        verdict = "ĐẠT" if r.met else "CHƯA ĐẠT"
        basis = partial_basis(r)
        if basis is None:
            lines.append(
                f"  {t.name}: kế hoạch {number_text(t.value)} {unit}, đạt {number_text(r.reached)} - {verdict}"
            )
        else:
            lines.append(f"  {t.name}: kế hoạch {number_text(t.value)} {unit}; {basis.sentence()} — {verdict}")
        if len(r.units) > 1:
            for u in r.units:
                mark = "đạt" if u.met else "chưa đạt"
                extra = f" (thiếu: {', '.join(u.short_topics)})" if u.short_topics else ""
                part = f" ({u.covered_days}/{u.unit_days} ngày)" if u.partial else ""
                figures = f"{number_text(u.value)} / {number_text(u.expected)}"
                lines.append(f"      {u.label}{part}: {figures} - {mark}{extra}")
    return lines or ["  (không có chỉ tiêu)"]


def relay_topics_vi(topics: tuple[str, ...]) -> str:
    """Whether a relay counted as the commune's news: 'có (T4)' or 'không'."""
    return f"có ({', '.join(topics)})" if topics else "không"


def _relay_lines(report: Report) -> list[str]:
    """The relays (tiếp sóng), apart from the commune's news: per source, or '(không có)'."""
    lines = ["Tiếp sóng (không tính vào thời lượng tin của xã, trừ khi tính vào một chủ đề):"]
    if not report.relays:
        return [*lines, "  (không có)"]
    rows: list[tuple[str, ...]] = [("Nguồn", "Buổi", "Phút tiếp sóng", "Phút phát thay thế", "Tính vào chủ đề")]
    rows += [
        (
            r.source,
            str(r.airings),
            minutes_text(r.relay_seconds),
            minutes_text(r.fallback_seconds),
            relay_topics_vi(r.topics),
        )
        for r in report.relays
    ]
    return [*lines, *_table(rows, {1, 2, 3})]


def _total_text(seconds: float) -> str:
    """'3 giờ 25 phút (205,3 phút; 12.318,0 giây)', or under an hour '0,7 phút (41,8 giây)'."""
    said = number_text(round(seconds, 1))
    if seconds < UNDER_AN_HOUR_S:
        return f"{hours_minutes_text(seconds)} ({said} giây)"
    return f"{hours_minutes_text(seconds)} ({minutes_text(seconds)} phút; {said} giây)"


def render_text(report: Report) -> str:
    p = report.period
    warning = unverified_lines(report.check.problems) if report.unverified and report.check else []
    lines = [
        *warning,
        *([""] if warning else []),
        f"BÁO CÁO THỜI LƯỢNG TUYÊN TRUYỀN CCHC - {period_phrase(p)}",
        f"Kỳ báo cáo: {vn_short_date(p.start)} - {vn_short_date(p.end)} ({p.label})",
        "",
        f"Tổng thời lượng: {_total_text(report.total_seconds)}",
        f"Số buổi phát có tin: {report.airings}; lượt tin: {report.item_airings}; "
        f"số tin khác nhau: {report.distinct_items}",
        "",
        "Theo chủ đề:",
    ]
    rows: list[tuple[str, ...]] = [("Mã", "Chủ đề", "Phút", "Buổi", "Tin")]
    rows += [(t.code, t.name, minutes_text(t.seconds), str(t.airings), str(t.items)) for t in report.topics]
    lines += [*_table(rows, {2, 3, 4}), "", "Theo khung giờ:"]
    rows = [("Khung giờ", "Phút", "Buổi", "Tin")]
    rows += [(s.key, minutes_text(s.seconds), str(s.airings), str(s.items)) for s in report.slots]
    lines += [*_table(rows, {1, 2, 3}), "", "Theo mức ưu tiên:"]
    rows = [("Mức", "Phút", "Buổi", "Tin")]
    rows += [
        (PRIORITY_LABELS.get(g.key, g.key), minutes_text(g.seconds), str(g.airings), str(g.items))
        for g in report.priorities
    ]
    lines += [*_table(rows, {1, 2, 3}), "", "Theo ngôn ngữ:"]
    rows = [("Ngôn ngữ", "Phút", "Buổi", "Lượt tin")]
    rows += [(f"{g.name} ({g.code})", minutes_text(g.seconds), str(g.airings), str(g.items)) for g in report.languages]
    lines += [*_table(rows, {1, 2, 3}), "", *_relay_lines(report), "", "Tình trạng các buổi phát:"]
    lines += [f"  {STATUS_LABELS.get(s, s)}: {n}" for s, n in report.statuses]
    lines += ["", "Chỉ tiêu:", *_target_lines(report), "", "Buổi phát không trọn vẹn:"]
    if not report.incidents:
        lines.append("  (không có)")
    for i in report.incidents:
        reason = f": {reason_vi(i.reason)}" if i.reason else ""
        status = STATUS_LABELS.get(i.status, i.status)
        lines.append(f"  #{i.seq} {i.when.strftime('%d/%m/%Y %H:%M')} {i.slot} - {status}{reason}")
    code = f"Mã kiểm chứng nhật ký: {report.chain_head}"
    lines += ["", code + (" (NHẬT KÝ KHÔNG QUA KIỂM TRA TOÀN VẸN)" if warning else ""), *warning, ""]
    return "\n".join(lines)


def write_text(report: Report, path: Path) -> Path:
    return write_atomic(path, render_text(report).encode("utf-8"))
