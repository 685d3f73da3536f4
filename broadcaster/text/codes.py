"""Legal document codes and phone numbers, read the way an announcer says them.

A code such as 63/2010/NĐ-CP is spoken as its number, its year and the body
that issued it ("sáu mươi ba năm hai nghìn không trăm mười của chính phủ"):
the letters are never spelled out and the slashes are never read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from broadcaster.text.lazy_re import has_digit, lazy
from broadcaster.text.numbers import read_digits, read_integer_text, read_number

DOC_TYPES = {
    "NĐ": "nghị định",
    "QĐ": "quyết định",
    "TT": "thông tư",
    "TTLT": "thông tư liên tịch",
    "KH": "kế hoạch",
    "NQ": "nghị quyết",
    "CT": "chỉ thị",
    "BC": "báo cáo",
    "TB": "thông báo",
    "CV": "công văn",
    "HD": "hướng dẫn",
    "TTr": "tờ trình",
    "QC": "quy chế",
    "QyĐ": "quy định",
    "QYĐ": "quy định",
    "CĐ": "công điện",
    "KL": "kết luận",
    "GM": "giấy mời",
    "PA": "phương án",
    "ĐA": "đề án",
    "CTr": "chương trình",
    "CTR": "chương trình",
    "BB": "biên bản",
    "L": "luật",
    "PL": "pháp lệnh",
    "GP": "giấy phép",
    "GCN": "giấy chứng nhận",
    "HĐ": "hợp đồng",
    "TC": "tờ trình",
}

ISSUERS = {
    "CP": "chính phủ",
    "TTg": "thủ tướng chính phủ",
    "TTG": "thủ tướng chính phủ",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "UB": "ủy ban",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "MTTQ": "mặt trận tổ quốc",
    "VPCP": "văn phòng chính phủ",
    "TW": "trung ương",
    "TƯ": "trung ương",
    "BCHTW": "ban chấp hành trung ương",
    "BBT": "ban bí thư",
    "TU": "tỉnh ủy",
    "HU": "huyện ủy",
    "ĐU": "đảng ủy",
    "BTV": "ban thường vụ",
    "QH": "quốc hội",
    "UBTVQH": "ủy ban thường vụ quốc hội",
    "CTN": "chủ tịch nước",
    "BTTTT": "bộ thông tin và truyền thông",
    "BNV": "bộ nội vụ",
    "BTC": "bộ tài chính",
    "BYT": "bộ y tế",
    "BGDĐT": "bộ giáo dục và đào tạo",
    "BCA": "bộ công an",
    "BQP": "bộ quốc phòng",
    "BTNMT": "bộ tài nguyên và môi trường",
    "BNNPTNT": "bộ nông nghiệp và phát triển nông thôn",
    "BLĐTBXH": "bộ lao động - thương binh và xã hội",
    "BTP": "bộ tư pháp",
    "BKHĐT": "bộ kế hoạch và đầu tư",
    "BXD": "bộ xây dựng",
    "BCT": "bộ công thương",
    "BGTVT": "bộ giao thông vận tải",
    "BVHTTDL": "bộ văn hóa, thể thao và du lịch",
    "BKHCN": "bộ khoa học và công nghệ",
    "NHNN": "ngân hàng nhà nước",
    "TTCP": "thanh tra chính phủ",
    "BNG": "bộ ngoại giao",
    "BCĐ": "ban chỉ đạo",
    "VP": "văn phòng",
    "VX": "văn xã",
    "KT": "kinh tế",
    "NC": "nội chính",
    "TH": "tổng hợp",
    "VHTT": "văn hóa thông tin",
    "VHXH": "văn hóa xã hội",
    "TP": "tư pháp",
    "TCKH": "tài chính kế hoạch",
    "NV": "nội vụ",
    "SNV": "sở nội vụ",
    "STTTT": "sở thông tin và truyền thông",
    "STC": "sở tài chính",
    "SYT": "sở y tế",
    "SGDĐT": "sở giáo dục và đào tạo",
    "TTHC": "thủ tục hành chính",
    "CCHC": "cải cách hành chính",
}

# number[/year]/TYPE-ISSUER..., e.g. 63/2010/NĐ-CP, 1291/QĐ-TTg, 47/2019/QH14, 123/UBND-VX.
_SEGMENT = r"[A-ZĐƯ][A-Za-zĐđƯư&]*\d*"
CODE_RE = lazy(rf"(?<![\w/.,])(?P<num>\d+)(?:/(?P<year>\d{{4}}))?/(?P<segs>{_SEGMENT}(?:[-.]{_SEGMENT})*)(?![\w/])")
# Party documents: 18-NQ/TW, 36-CT/TU.
PARTY_RE = lazy(
    rf"(?<![\w/.,-])(?P<num>\d+)-(?P<type>[A-ZĐ][A-Za-zĐđ]*)/(?P<segs>{_SEGMENT}(?:[-.]{_SEGMENT})*)(?![\w/])"
)


def _issuer_words(segment: str, fallback: Callable[[str], str | None]) -> str | None:
    letters = segment.rstrip("0123456789")
    digits = segment[len(letters) :]
    words = ISSUERS.get(letters) or fallback(letters)
    if words is None:
        return None
    if digits:
        # Luật số 47/2019/QH14: the Quốc hội of the 14th term.
        link = " khóa " if letters == "QH" else " "
        words += link + read_number(int(digits))
    return words


def read_code(
    number: str,
    year: str | None,
    segments: list[str],
    before: str,
    after: str,
    fallback: Callable[[str], str | None],
) -> str:
    """The spoken form of one document code; `before`/`after` are the text around it."""
    doc_type = DOC_TYPES.get(segments[0])
    issuer_segments = segments[1:] if doc_type else segments
    issuers = [w for w in (_issuer_words(s, fallback) for s in issuer_segments) if w]
    # "12/NQ-HĐND của HĐND xã" names the body right after; say it once.
    soon = after[:16].lower()
    if any(f"của {seg.lower()}" in soon for seg in issuer_segments) or any(
        f"của {' '.join(w.split()[:2])}" in soon for w in issuers
    ):
        issuers = []
    words: list[str] = []
    recent = before[-40:].lower()
    prev = recent.rstrip().rsplit(" ", 1)[-1] if recent.strip() else ""
    if doc_type and doc_type not in recent and prev != "số":
        words.append(doc_type)
    if prev != "số":
        words.append("số")
    words.append(read_integer_text(number))
    if year:
        words += ["năm", read_number(int(year))]
    if issuers:
        words += ["của", ", ".join(issuers)]
    return " ".join(words)


# A document's type and issuer without a number: "NQ-CP", "KH-UBND", "QĐ-TTg".
_TYPE_ISSUER = lazy(rf"(?<![\w/.,-])(?P<type>[A-ZĐ][A-Za-zĐđ]*)-(?P<segs>{_SEGMENT}(?:-{_SEGMENT})*)(?![\w/]|-\w)")


def _type_issuer(match: re.Match[str], fallback: Callable[[str], str | None]) -> str:
    doc_type = DOC_TYPES.get(match.group("type"))
    issuers = [_issuer_words(s, fallback) for s in match.group("segs").split("-")]
    if doc_type is None or not all(issuers):
        return match.group(0)
    return f"{doc_type} của {', '.join(w for w in issuers if w)}"


def replace_codes(text: str, fallback: Callable[[str], str | None]) -> str:
    def code(match: re.Match[str]) -> str:
        segments = re.split(r"[-.]", match.group("segs"))
        before = match.string[: match.start()]
        after = match.string[match.end() :]
        return read_code(match.group("num"), match.group("year"), segments, before, after, fallback)

    def party(match: re.Match[str]) -> str:
        segments = [match.group("type"), *re.split(r"[-.]", match.group("segs"))]
        before = match.string[: match.start()]
        after = match.string[match.end() :]
        return read_code(match.group("num"), None, segments, before, after, fallback)

    # each expression only where it could match (its "/" or "-"): most are then never compiled
    if "/" in text and "-" in text:
        text = PARTY_RE.sub(party, text)
    if "/" in text:
        text = CODE_RE.sub(code, text)
    if "-" in text:
        text = _TYPE_ISSUER.sub(lambda m: _type_issuer(m, fallback), text)
    return text


# Phones: after a cue word any digit run is a phone; without one, the shape must be a phone's.
_PHONE_CUE = lazy(
    r"(?i)(?P<cue>điện thoại|\bđt\b|sđt|hotline|đường dây nóng|tổng đài|số máy|\bfax\b|zalo"
    r"|gọi(?: số)?|liên hệ(?: số)?)"
    r"(?P<sep>\s*[:.]?\s*)(?P<num>\(?\+?\d[\d)]*(?:[ .\-]?\(?\d[\d)]*){2,})"
)
_PHONE_SHAPE = lazy(
    r"(?<![\w.,/+-])(?P<num>(?:\+84|0)\d{2,3}(?:[ .\-]?\d{3,4}){2}|1[89]00(?:[ .]?\d{2,4}){1,3})(?![\w]|[.,/]\d)"
)


def read_phone(number: str) -> str:
    spoken = read_digits(number)
    return "cộng " + spoken if number.lstrip("(").startswith("+") else spoken


# Short numbers for emergencies and public services, always read digit by digit when used as numbers to call.
EMERGENCY_NUMBERS = frozenset({"111", "112", "113", "114", "115", "1022", "1080"})
_SHORT_NUMBER = lazy(r"(?<![\w.,/+-])(?P<num>\d{3,4})(?![\w/]|[.,]\d)")
_CALL_BEFORE = lazy(
    r"(?i)(?:gọi|bấm|quay|tổng đài|đường dây nóng|hotline|điện thoại|đầu số|các số|số khẩn cấp|liên hệ)"
    r"(?:\s+(?:ngay|đến|tới|về|số|máy))*\s*:?\s*$"
)
_SERVICE_AFTER = lazy(
    r"(?i)\s*(?:\(|[-–—:]\s*\D|(?:khi|để)\b|cấp cứu|cứu hỏa|cứu hoả|cứu hộ|cứu nạn|chữa cháy|báo cháy"
    r"|công an|cảnh sát|miễn phí|bảo vệ trẻ em|tổng đài)"
)
_LIST_LINK = lazy(r"\s*(?:[,;/]|hoặc|và)\s*")


def replace_hotlines(text: str) -> str:
    """113, 114, 115, 1022 ... digit by digit when they are numbers to call ("báo cháy gọi 114")."""
    matches = [m for m in _SHORT_NUMBER.finditer(text) if m.group("num") in EMERGENCY_NUMBERS]
    if not matches:
        return text
    hot = [
        bool(_CALL_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) or _SERVICE_AFTER.match(text, m.end()))
        for m in matches
    ]
    # A list is read alike: "gọi 113, 114 hoặc 115".
    for _ in range(len(matches)):
        linked = [
            i
            for i in range(len(matches) - 1)
            if hot[i] != hot[i + 1] and _LIST_LINK.fullmatch(text, matches[i].end(), matches[i + 1].start())
        ]
        if not linked:
            break
        for i in linked:
            hot[i] = hot[i + 1] = True
    out, last = [], 0
    for match, is_hot in zip(matches, hot, strict=True):
        if is_hot:
            out += [text[last : match.start()], read_digits(match.group("num"))]
            last = match.end()
    return "".join([*out, text[last:]])


def replace_phones(text: str) -> str:
    def cued(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group("num"))
        if len(digits) < 3 or match.group("num").lstrip("(")[0] not in "01+":
            return match.group(0)
        return match.group("cue") + match.group("sep") + read_phone(match.group("num"))

    def shaped(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group("num"))
        if not 8 <= len(digits) <= 12:
            return match.group(0)
        return read_phone(match.group("num"))

    if not has_digit(text):
        return text  # every phone and hotline has digits
    return _PHONE_SHAPE.sub(shaped, _PHONE_CUE.sub(cued, replace_hotlines(text)))
