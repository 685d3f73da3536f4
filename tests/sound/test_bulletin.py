"""Bulletin assembly with the shipped jingles and real espeak-ng speech."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from broadcaster.errors import AudioError
from broadcaster.sound.bulletin import (
    BulletinPart,
    CueSheet,
    PartKind,
    assemble_bulletin,
    cue_sheet_path,
    load_cue_sheet,
    standard_parts,
)
from tests.speech.helpers import espeak_wav, wav_info

REPO = Path(__file__).resolve().parents[2]
OPENING = REPO / "audio" / "jingles" / "opening.wav"
CLOSING = REPO / "audio" / "jingles" / "closing.wav"
RATE = 44100


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("voice")
    texts = {
        "ident": "Đây là Đài Truyền thanh xã Sơn Kim 1.",
        "title1": "Tin thứ nhất.",
        "text1": "Bộ phận một cửa làm việc cả sáng thứ bảy.",
        "title2": "Tin thứ hai.",
        "text2": "Người dân có thể nộp hồ sơ trực tuyến.",
        "closing": "Buổi phát thanh đến đây là hết.",
    }
    # espeak writes 22050 Hz: assembly must convert to the bulletin's rate
    return {name: espeak_wav(text, folder / f"{name}.wav") for name, text in texts.items()}


def frames(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_standard_bulletin_runs_in_order_with_fixed_pauses(voice: dict[str, Path], tmp_path: Path) -> None:
    parts = standard_parts(
        OPENING,
        voice["ident"],
        [(11, voice["title1"], voice["text1"]), (12, voice["title2"], voice["text2"])],
        voice["closing"],
        CLOSING,
    )
    out = tmp_path / "bulletin.wav"
    sheet = assemble_bulletin(parts, out, pause_ms=800, sample_rate=RATE)

    assert [(c.kind, c.item_id) for c in sheet.cues] == [
        ("jingle", None), ("ident", None), ("title", 11), ("text", 11),
        ("title", 12), ("text", 12), ("closing", None), ("jingle", None),
    ]  # fmt: skip
    channels, width, rate, duration = wav_info(out)
    assert (channels, width, rate) == (1, 2, RATE)
    assert duration == pytest.approx(sheet.duration_s, abs=0.001)
    for before, after in zip(sheet.cues, sheet.cues[1:], strict=False):
        assert after.start_s - before.end_s == pytest.approx(0.8, abs=0.001)
    assert sheet.cues[0].duration_s == pytest.approx(wav_info(OPENING)[3], abs=0.001)
    assert sheet.cues[3].duration_s == pytest.approx(wav_info(voice["text1"])[3], abs=0.01)
    # the jingle really is at the start and silence really is in the gap
    audio = frames(out)
    assert np.array_equal(audio[: len(frames(OPENING))], frames(OPENING))
    gap = audio[int(sheet.cues[0].end_s * RATE) + 10 : int(sheet.cues[1].start_s * RATE) - 10]
    assert len(gap) > 0.7 * RATE and not gap.any()
    assert sheet.items() == [11, 12]


def test_cue_sheet_is_written_beside_and_says_what_was_on_air(voice: dict[str, Path], tmp_path: Path) -> None:
    parts = standard_parts(OPENING, voice["ident"], [(7, voice["title1"], voice["text1"])], voice["closing"], CLOSING)
    out = tmp_path / "b.wav"
    sheet = assemble_bulletin(parts, out, pause_ms=500, sample_rate=RATE)
    assert cue_sheet_path(out) == tmp_path / "b.cues.json"
    assert load_cue_sheet(out) == sheet
    title, text = sheet.cues[2], sheet.cues[3]
    assert sheet.item_at(0.5) is None  # opening jingle
    assert sheet.item_at(title.start_s + 0.1) == 7
    assert sheet.item_at(title.end_s + 0.25) == 7  # the pause between its title and text
    assert sheet.item_at(text.end_s - 0.01) == 7
    assert sheet.item_at(text.end_s + 0.25) is None  # pause before the closing line
    assert sheet.item_at(sheet.duration_s + 5) is None
    assert sheet.cue_at(text.start_s + 0.1) == text


def test_explicit_pause_replaces_the_fixed_one(voice: dict[str, Path], tmp_path: Path) -> None:
    parts = [
        BulletinPart(PartKind.IDENT, audio=voice["ident"]),
        BulletinPart(PartKind.PAUSE, pause_ms=2000),
        BulletinPart(PartKind.CLOSING, audio=voice["closing"]),
    ]
    sheet = assemble_bulletin(parts, tmp_path / "b.wav", pause_ms=800, sample_rate=RATE)
    assert sheet.cues[1].start_s - sheet.cues[0].end_s == pytest.approx(2.0, abs=0.001)


def test_parts_must_be_consistent() -> None:
    with pytest.raises(ValueError, match="item_id"):
        BulletinPart(PartKind.TITLE, None, OPENING)
    with pytest.raises(ValueError, match="needs an audio"):
        BulletinPart(PartKind.JINGLE)
    with pytest.raises(ValueError, match="pause"):
        BulletinPart(PartKind.PAUSE)


def test_unreadable_part_is_an_audio_error_and_no_bulletin_is_left(tmp_path: Path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_text("not audio")
    with pytest.raises(AudioError, match=r"broken\.wav"):
        assemble_bulletin(
            [BulletinPart(PartKind.JINGLE, audio=OPENING), BulletinPart(PartKind.TEXT, 3, bad)],
            tmp_path / "b.wav",
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.wav"]


def test_cue_sheet_round_trips_through_json() -> None:
    sheet = CueSheet((), 0.0, RATE)
    assert CueSheet.from_json(sheet.to_json()) == sheet
