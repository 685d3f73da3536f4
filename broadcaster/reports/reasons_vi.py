"""The English reasons and verification problems the code writes, in Vietnamese for the documents. Pure.

The airing log keeps its reasons in English as the code wrote them (they are hashed, so they
stay as written). The Vietnamese report must not show them in English: each reason follows
one of a small set of templates (broadcaster/onair/, decisions.py, relay/, sound/stream.py), matched here
by pattern. A reason joins several parts with "; " and each part is translated on its own.
A part in no template keeps its original text in parentheses; a part already in Vietnamese
(typed by the official) is kept as it is.

When a new reason template is added to the code, add its line here (tests/reports/test_reasons_vi.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from broadcaster.reports.vietnamese import STATUS_LABELS, vn_short_date

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

_WAITS = {
    "not approved": "chưa được duyệt",
    "not yet valid": "chưa đến ngày được phát",
    "validity window passed": "đã hết thời hạn phát",
    "topic not in this slot": "chủ đề không thuộc khung giờ này",
    "priority not in this slot": "mức ưu tiên không thuộc khung giờ này",
    "language not in this slot": "ngôn ngữ không thuộc khung giờ này",
    "no speech rendered": "chưa tạo giọng đọc",
    "does not fit in the slot's length": "không đủ thời lượng trong khung giờ",
    "outside broadcast hours": "ngoài giờ phát thanh",
}
VIETNAMESE_LETTERS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)


def _number(text: str) -> str:
    return text.replace(".", ",")


def _grace(text: str) -> str:
    if m := re.fullmatch(r"([\d.]+)-minute", text):
        return f"{_number(m[1])} phút"
    if m := re.fullmatch(r"([\d.]+)-second", text):
        return f"{_number(m[1])} giây"
    return text


def _cut_by(text: str) -> str:
    """Why a bulletin was cut (the interrupt reasons of daemon.py and onair.py)."""
    for pattern, make in _CUT_RULES:
        if m := pattern.fullmatch(text):
            return make(m)
    return _unknown(text)


def _rules(pairs: list[tuple[str, Callable[[re.Match[str]], str]]]) -> list[Rule]:
    return [(re.compile(pattern), make) for pattern, make in pairs]


_CUT_RULES = _rules(
    [
        (r"playback stopped", lambda m: "việc phát bị dừng"),
        (r"emergency item (\d+) \(khẩn cấp\) took the air", lambda m: f"tin khẩn cấp số {m[1]} được phát chen vào"),
        (
            r"emergency item (\d+) waits for another emergency",
            lambda m: f"tin khẩn cấp số {m[1]} chờ tin khẩn cấp khác",
        ),
        (r"the station was stopped \((\w+)\)", lambda m: f"đài bị tắt ({m[1]})"),
        (r"the station daemon stopped", lambda m: "chương trình điều khiển đài dừng"),
        (
            r"cancelled by the official while its bulletin was on air",
            lambda m: "bị cán bộ hủy trong lúc bản tin đang phát",
        ),
    ]
)

_RELAY_PARTS = {"relay": "tiếp sóng", "fallback": "phát thay thế", "silence": "im lặng"}
_RELAY_PIECES = {"bulletin": "bản tin của đài", "notice": "lời thông báo"}


def _why(text: str) -> str:
    """A relay's reason for a switch: the monitor's messages, in whatever language the daemon spoke."""
    from broadcaster.i18n import translations

    vietnamese = translations("vi").gettext(text)
    return vietnamese if vietnamese != text else _unknown(text)


def _relay_part(m: re.Match[str]) -> str:
    piece = f" ({_RELAY_PIECES.get(m[2], m[2])})" if m[2] else ""
    return f"{_RELAY_PARTS[m[1]]}{piece} {_number(m[3])} giây: {_why(m[4])}"


_REASON_RULES = _rules(
    [
        (r"no news item was waiting for this slot", lambda m: "không có tin nào chờ phát trong khung giờ này"),
        (
            r"item (\d+) not aired: no speech was rendered for it \(run `broadcaster render`\)",
            lambda m: f"tin số {m[1]} không được phát: chưa tạo giọng đọc cho tin",
        ),
        (r"item (\d+) waits: (.+)", lambda m: f"tin số {m[1]} phải chờ: {_WAITS.get(m[2], _unknown(m[2]))}"),
        (r"station ident was not rendered", lambda m: "chưa tạo lời giới thiệu của đài"),
        (r"the bulletin could not be built: (.+)", lambda m: f"không ghép được bản tin (lỗi: {m[1]})"),
        (r"the amplifier did not switch on: (.+)", lambda m: f"ampli không bật được (lỗi: {m[1]})"),
        (r"the output failed: (.+)", lambda m: f"thiết bị phát bị lỗi (lỗi: {m[1]})"),
        (r"cut short after ([\d.]+) s: (.+)", lambda m: f"bị ngắt sau {_number(m[1])} giây: {_cut_by(m[2])}"),
        (r"internal error before air: (.+)", lambda m: f"lỗi nội bộ trước khi phát (lỗi: {m[1]})"),
        (r"the airing stopped on an internal error: (.+)", lambda m: f"buổi phát dừng do lỗi nội bộ (lỗi: {m[1]})"),
        (
            r"the station stopped during this airing \(crash or power cut\)",
            lambda m: "đài ngừng hoạt động giữa buổi phát (sự cố hoặc mất điện)",
        ),
        (
            r"the daemon was last alive at (.+), which is after the current time (.+): "
            r"the computer's clock was wrong then or is wrong now",
            lambda m: (
                f"chương trình điều khiển đài hoạt động lần cuối lúc {m[1]}, sau thời điểm hiện tại {m[2]}: "
                "đồng hồ của máy tính đã sai lúc đó hoặc đang sai"
            ),
        ),
        (
            r"the daemon was last alive at (.+), before this station was set up \((.+)\): "
            r"the computer's clock was wrong",
            lambda m: (
                f"chương trình điều khiển đài hoạt động lần cuối lúc {m[1]}, trước khi đài được cài đặt ({m[2]}): "
                "đồng hồ của máy tính bị sai"
            ),
        ),
        (
            r"(.+): (\d+) slot occurrences passed unaired, from (.+) at (.+) to (.+) at (.+)",
            lambda m: (
                f"{reason_vi(m[1])}: {m[2]} lượt phát theo lịch đã trôi qua mà không phát, "
                f"từ khung giờ {m[3]} lúc {m[4]} đến khung giờ {m[5]} lúc {m[6]}"
            ),
        ),
        (
            r"item (\d+): its speech was missing from the cache and was made at air time by (.+)",
            lambda m: f"tin số {m[1]}: giọng đọc bị mất khỏi bộ nhớ đệm và được tạo lại lúc phát bằng {m[2]}",
        ),
        (
            r"station ident was missing from the cache and was made at air time",
            lambda m: "lời giới thiệu của đài bị mất khỏi bộ nhớ đệm và được tạo lại lúc phát",
        ),
        (
            r"station ident was not aired: it was not rendered and could not be made: (.+)",
            lambda m: f"không phát lời giới thiệu của đài: chưa được tạo và không tạo được (lỗi: {m[1]})",
        ),
        (r"item (\d+) not aired: (.+) before its turn", lambda m: f"tin số {m[1]} không được phát: {_cut_by(m[2])}"),
        (
            r"item (\d+) cut after ([\d.]+) s: (.+)",
            lambda m: f"tin số {m[1]} bị ngắt sau {_number(m[2])} giây: {_cut_by(m[3])}",
        ),
        (
            r"part (.+) could not be read \((.+)\), silence aired instead",
            lambda m: f"không đọc được tệp {m[1]} (lỗi: {m[2]}); phát khoảng lặng thay thế",
        ),
        (
            r"the relay notice could not be spoken \((.+)\), a tone airs instead while the relay is down",
            lambda m: f"không đọc được lời thông báo tiếp sóng (lỗi: {m[1]}); phát tiếng báo hiệu khi mất tiếp sóng",
        ),
        (
            r"emergency aired outside broadcast hours \((.+)\) at (\d\d:\d\d)",
            lambda m: f"tin khẩn cấp được phát ngoài giờ phát thanh ({m[1]}) lúc {m[2]}",
        ),
        (r"completed", lambda m: "phát trọn"),
        (r"interrupted \((.+)\)", lambda m: f"bị ngắt ({_cut_by(m[1])})"),
        (r"(relay|fallback|silence)(?:/(\w+))? ([\d.]+) s \((.+)\)", _relay_part),
        (r"it had been on air for about (\d+) s when last seen", lambda m: f"đã phát được khoảng {m[1]} giây"),
        (
            r"could start only (\d+) s late, past the (.+) grace period "
            r"\(another airing was still on air, or the station stalled\)",
            lambda m: (
                f"chỉ có thể bắt đầu trễ {m[1]} giây, quá thời gian chờ cho phép {_grace(m[2])} "
                "(đang có buổi phát khác, hoặc đài bị treo)"
            ),
        ),
        (
            r"the station was off \(daemon not running\) from (.+) until (.+), longer than the (.+) grace period",
            lambda m: (
                f"đài tắt (chương trình điều khiển không chạy) từ {m[1]} đến {m[2]}, "
                f"quá thời gian chờ cho phép {_grace(m[3])}"
            ),
        ),
    ]
)


def _unknown(text: str) -> str:
    if VIETNAMESE_LETTERS.search(text):
        return text  # typed in Vietnamese already
    return f"lý do khác (nguyên văn: {text})"


def reason_vi(reason: str | None) -> str:
    """An airing's reason in Vietnamese, part by part ("" when there is none)."""
    if not reason:
        return ""
    parts = []
    for part in reason.split("; "):
        text = part.strip()
        for pattern, make in _REASON_RULES:
            if m := pattern.fullmatch(text):
                parts.append(make(m))
                break
        else:
            parts.append(_unknown(text))
    return "; ".join(parts)


# --- verification problems (reports/verification.py, airlog.py, reports/daybook.py) ------------


def _airings(text: str) -> str:
    """'#3' -> 'số 3'; '#3 to #5' -> 'từ số 3 đến số 5'."""
    if m := re.fullmatch(r"#(\d+) to #(\d+)", text):
        return f"từ số {m[1]} đến số {m[2]}"
    return "số " + text.lstrip("#")


def _days(label: str) -> str:
    """'2021-03-20' -> 'ngày 20/03/2021'; '2021-03-15..2021-03-21' -> 'các ngày 15/03/2021 - 21/03/2021'."""
    try:
        if ".." in label:
            first, last = (date.fromisoformat(x) for x in label.split(".."))
            return f"các ngày {vn_short_date(first)} - {vn_short_date(last)}"
        return f"ngày {vn_short_date(date.fromisoformat(label))}"
    except ValueError:
        return label


_FIGURES = "Số liệu thời lượng"
_PROBLEM_RULES = _rules(
    [
        (
            r"Airing #(\d+) was changed after it was written \(its hash does not match its contents\)\.",
            lambda m: f"Buổi phát số {m[1]} đã bị sửa sau khi ghi (mã băm không khớp với nội dung).",
        ),
        (
            r"Airing (#\d+(?: to #\d+)?) is missing from the log: it was deleted\.",
            lambda m: f"Buổi phát {_airings(m[1])} không còn trong nhật ký: đã bị xóa.",
        ),
        (
            r"Airing #(\d+) appears twice in the log: a record was inserted or copied\.",
            lambda m: f"Buổi phát số {m[1]} xuất hiện hai lần trong nhật ký: có bản ghi bị chèn hoặc sao chép.",
        ),
        (
            r"Airing #(\d+) is out of order: the records were reordered\.",
            lambda m: f"Buổi phát số {m[1]} sai thứ tự: các bản ghi đã bị đảo.",
        ),
        (
            r"Airing #(\d+) comes where airing #(\d+) should be: the records were reordered\.",
            lambda m: f"Buổi phát số {m[1]} nằm ở vị trí của buổi phát số {m[2]}: các bản ghi đã bị đảo.",
        ),
        (
            r"Airing #(\d+) is not linked to (?:the start of the log|airing #(\d+)) \(its previous-hash does not "
            r"match\): records were deleted, inserted or rewritten before it\.",
            lambda m: (
                f"Buổi phát số {m[1]} không nối tiếp "
                f"{'điểm đầu nhật ký' if m[2] is None else 'buổi phát số ' + m[2]} (mã băm trước không khớp): "
                "có bản ghi bị xóa, chèn hoặc viết lại trước nó."
            ),
        ),
        (
            r"The log has only (\d+) airings but an earlier report counted (\d+): the newest airings \((.+)\) "
            r"were deleted\.",
            lambda m: (
                f"Nhật ký chỉ còn {m[1]} buổi phát nhưng một báo cáo trước đã ghi {m[2]}: "
                f"các buổi phát mới nhất ({_airings(m[3])}) đã bị xóa."
            ),
        ),
        (
            r"(?:Airing #(\d+)|The start of the log) does not match the verification code printed on an earlier "
            r"report \((.+)\): the log was rewritten up to that point\.",
            lambda m: (
                f"{'Điểm đầu nhật ký' if m[1] is None else 'Buổi phát số ' + m[1]} không khớp mã kiểm chứng "
                f"in trên một báo cáo trước ({m[2]}): nhật ký đã bị viết lại đến điểm đó."
            ),
        ),
        (
            r"The airtime figures of (\S+) were changed after they were written \(they no longer match their seal\)\.",
            lambda m: f"{_FIGURES} {_days(m[1])} đã bị sửa sau khi ghi (không khớp dấu niêm phong).",
        ),
        (
            r"The airtime figures of (\S+) count airing #(\d+), which is no longer in the log: airings were deleted "
            r"\(or the figures forged\)\.",
            lambda m: (
                f"{_FIGURES} {_days(m[1])} tính cả buổi phát số {m[2]}, buổi này không còn trong nhật ký: "
                "có buổi phát đã bị xóa (hoặc số liệu bị giả mạo)."
            ),
        ),
        (
            r"The airtime figures of (\S+) were sealed against airing #(\d+) as it was then, but the log now holds "
            r"another airing #\d+: the log was rewritten \(or the figures forged\)\.",
            lambda m: (
                f"{_FIGURES} {_days(m[1])} được niêm phong theo buổi phát số {m[2]} khi đó, nhưng nhật ký nay ghi "
                "một buổi phát khác: nhật ký đã bị viết lại (hoặc số liệu bị giả mạo)."
            ),
        ),
        (
            r"The airtime figures of (\S+) are for days without airings in the log: they were added\.",
            lambda m: f"{_FIGURES} {_days(m[1])} không ứng với buổi phát nào trong nhật ký: đã bị thêm vào.",
        ),
        (
            r"The airtime figures of (\S+) do not match the airings of those days: they were changed and sealed "
            r"again\.",
            lambda m: f"{_FIGURES} {_days(m[1])} không khớp các buổi phát trong nhật ký: đã bị sửa và niêm phong lại.",
        ),
        (
            r"The airtime figures of (\S+) are missing: they were deleted\.",
            lambda m: f"{_FIGURES} {_days(m[1])} không còn: đã bị xóa.",
        ),
        (
            r"The airtime figures count (\d+) airings in this period but the log holds (\d+): airings or figures "
            r"were deleted or added\.",
            lambda m: (
                f"{_FIGURES} tính {m[1]} buổi phát trong kỳ nhưng nhật ký có {m[2]}: "
                "có buổi phát hoặc số liệu bị xóa hay thêm vào."
            ),
        ),
        (
            r"The log lists (\d+) (\w+) airings in this period but the figures count (\d+): a record's status was "
            r"changed, or records were deleted or added\.",
            lambda m: (
                f"Nhật ký có {m[1]} buổi phát «{STATUS_LABELS.get(m[2], m[2])}» trong kỳ nhưng số liệu tính {m[3]}: "
                "tình trạng của bản ghi đã bị sửa, hoặc có bản ghi bị xóa hay thêm vào."
            ),
        ),
        (
            r"The last `broadcaster log verify` \(at (.+?)\) found: (.+)",
            lambda m: f"Lần kiểm tra toàn bộ nhật ký gần nhất (lúc {m[1]}) phát hiện: {problem_vi(m[2])}",
        ),
        (
            r"The result of the last `broadcaster log verify` kept in the database is unreadable \(it was altered\)\.",
            lambda m: "Kết quả kiểm tra nhật ký lần trước lưu trong cơ sở dữ liệu không đọc được (đã bị sửa).",
        ),
    ]
)


def problem_vi(problem: str) -> str:
    """A verification problem in Vietnamese (with " (and N more)" kept as "(và N vấn đề khác)")."""
    text, more = problem.strip(), ""
    if m := re.fullmatch(r"(.+?) \(and (\d+) more(?: problems?)?\)", text, flags=re.S):
        text, more = m[1], f" (và {m[2]} vấn đề khác)"
    for pattern, make in _PROBLEM_RULES:
        if m := pattern.fullmatch(text):
            return make(m) + more
    return f"Lỗi kiểm tra khác (nguyên văn: {text}){more}"


UNVERIFIED_TITLE = "CẢNH BÁO: BÁO CÁO LẬP TỪ NHẬT KÝ PHÁT THANH KHÔNG QUA KIỂM TRA TOÀN VẸN"
UNVERIFIED_NOTE = "Số liệu có thể đã bị sửa; không dùng báo cáo này làm căn cứ trước khi khôi phục nhật ký."
MAX_PROBLEMS_SHOWN = 5


def unverified_lines(problems: tuple[str, ...]) -> list[str]:
    """What every format prints on a report made from a log that failed verification (--allow-unverified)."""
    shown = [f"Lỗi phát hiện: {problem_vi(p)}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(f"… và {len(problems) - MAX_PROBLEMS_SHOWN} lỗi khác.")
    return [UNVERIFIED_TITLE, *shown, UNVERIFIED_NOTE]


def problem_shown(problem: str) -> str:
    """A verification problem as the station's language says it (the checks write English, the
    canonical form the web and the JSON also keep)."""
    from broadcaster.i18n import language

    return problem_vi(problem) if language() == "vi" else problem
