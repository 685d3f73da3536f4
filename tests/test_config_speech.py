"""[speech] with one sub-table per engine ([speech.gtts], [speech.espeak], [speech.piper]) and the speech
engine registry: what `config check`, `config show`, `doctor` and the station's voices make of them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from broadcaster.config import load_config
from broadcaster.errors import ConfigError
from broadcaster.speech.registry import build_chain
from tests.conftest import StationCLI, write_config

VOICE = "voices/vi_VN-test-medium.onnx"
# the flat keys of before, where the example config has its sub-tables' values
FLAT = {
    "render_ahead_hours = 48": 'espeak_speed = 120\ngtts_retries = 2\nespeak_voice = "vi"\nrender_ahead_hours = 48',
    "speed = 150                  #": "#",
    "retries = 3                  #": "#",
    '[speech.espeak]\nvoice = "vi"\n': "[speech.espeak]\n",
}


def piper_table(voice: str = VOICE, extra: str = "") -> str:
    return f'\n[speech.piper]\nvoice = "{voice}"\n{extra}'


def add_voice(folder: Path, espeak_voice: str = "vi") -> None:
    """A voice's two files as piper-voices ships them (the model's bytes are never run here)."""
    (folder / "voices").mkdir(exist_ok=True)
    (folder / VOICE).write_bytes(b"onnx model bytes")
    config = {"audio": {"sample_rate": 22050}, "espeak": {"voice": espeak_voice}, "phoneme_type": "espeak"}
    (folder / f"{VOICE}.json").write_text(json.dumps(config), encoding="utf-8")


def shown(config: Path) -> dict[str, object]:
    """[speech] as `config show` prints it (the effective config, parsed back)."""
    text = StationCLI(config).ok("config", "show")
    speech = tomllib.loads(text)["speech"]
    assert isinstance(speech, dict)
    return speech


def problems_of(config: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    return caught.value.problems


def engine_names(config: Path) -> list[str]:
    """The voices the station tries, in order (what Voicing speaks with)."""
    loaded = load_config(config)
    return [engine.name for engine in build_chain(loaded.speech, loaded.folder)]


def test_sub_table_values_are_what_the_voices_use(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={
            "speed = 150                  #": "speed = 120                  #",
            "pitch = 50 ": "pitch = 40 ",
            "word_gap = 0 ": "word_gap = 3 ",
            '# variant = "m3"': 'variant = "m3"',
        },
    )
    assert shown(config)["espeak"] == {"voice": "vi", "speed": 120, "pitch": 40, "word_gap": 3, "variant": "m3"}
    loaded = load_config(config)
    (espeak,) = build_chain(loaded.speech, loaded.folder)
    assert espeak.command()[:7] == ["espeak-ng", "-v", "vi+m3", "-s", "120", "-p", "40"]  # type: ignore[attr-defined]
    assert "-g" in espeak.command()  # type: ignore[attr-defined]


def test_old_flat_keys_still_work_with_a_notice_naming_the_new_place(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace=FLAT)
    speech = shown(config)
    assert speech["espeak"] == {"voice": "vi", "speed": 120, "pitch": 50, "word_gap": 0, "variant": ""}
    assert speech["gtts"] == {"tld": "com.vn", "timeout_seconds": 10.0, "retries": 2}
    assert "espeak_speed" not in speech and "gtts_retries" not in speech
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: speech.espeak_speed is now speed in the [speech.espeak] table; the old key is still read, "
        "but move it there in config.toml: [speech.espeak] speed = ..."
    ) in result.stderr
    assert "Warning: speech.gtts_retries is now retries in the [speech.gtts] table" in result.stderr


def test_a_flat_key_and_its_sub_table_key_both_set_the_sub_table_wins(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={"render_ahead_hours = 48": "espeak_speed = 300\nrender_ahead_hours = 48"})
    assert shown(config)["espeak"]["speed"] == 150  # type: ignore[index]
    result = StationCLI(config)("config", "check")
    assert "the value in [speech.espeak] is used. Delete the line speech.espeak_speed" in result.stderr


def test_an_old_flat_key_out_of_range_is_reported_under_its_new_name(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={**FLAT, "espeak_speed = 120": "espeak_speed = 40"})
    assert problems_of(config) == ["speech.espeak.speed: must be between 80 and 450 (words per minute), not 40"]


def test_an_unknown_key_in_a_sub_table_is_named_with_the_key_meant(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={"speed = 150                  #": "sped = 150                  #"},
        append=piper_table(extra="length_scal = 1.1\n"),
    )
    assert problems_of(config) == [
        "speech.espeak.sped: unknown config key. Did you mean 'speed'?",
        "speech.piper.length_scal: unknown config key. Did you mean 'length_scale'?",
    ]
    error = StationCLI(config).fails("config", "check")
    assert error == f"Error: {config} has 2 problems:"


def test_piper_values_out_of_range_stop_the_file_with_what_to_write(tmp_path: Path) -> None:
    config = write_config(tmp_path, append=piper_table(extra="length_scale = 3\nthreads = 0\n"))
    found = problems_of(config)
    assert any(p.startswith("speech.piper.length_scale: must be between 0.5 and 2.0") for p in found), found
    assert any(p.startswith("speech.piper.threads: must be 1 or more") for p in found), found


def test_a_piper_voice_makes_the_chain_gtts_piper_espeak(tmp_path: Path) -> None:
    add_voice(tmp_path)
    config = write_config(tmp_path, replace={"fallback = []        #": "#"}, append=piper_table())
    config.write_text(config.read_text(encoding="utf-8").replace('engine = "espeak"', 'engine = "gtts"'), "utf-8")
    assert shown(config)["fallback"] == ["piper", "espeak"]
    assert engine_names(config) == ["gtts", "piper", "espeak"]


def test_without_a_piper_voice_the_chain_is_as_before(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={"fallback = []        #": "#"})
    config.write_text(config.read_text(encoding="utf-8").replace('engine = "espeak"', 'engine = "gtts"'), "utf-8")
    assert engine_names(config) == ["gtts", "espeak"]


def test_piper_first_falls_back_to_espeak_only(tmp_path: Path) -> None:
    add_voice(tmp_path)
    config = write_config(
        tmp_path, replace={'engine = "espeak"': 'engine = "piper"', "fallback = []        #": "#"}, append=piper_table()
    )
    assert engine_names(config) == ["piper", "espeak"]


def test_naming_piper_without_its_table_says_what_to_write(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={"fallback = []        #": 'fallback = ["piper"]        #'})
    assert problems_of(config) == [
        "speech: the engine 'piper' needs a [speech.piper] table in config.toml: "
        'voice = "voices/vi_VN-vais1000-medium.onnx" (see docs/piper-voice.md)'
    ]


def test_config_check_warns_of_a_missing_voice_with_the_download_command(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={"fallback = []        #": 'fallback = ["piper"]        #'},
        append=piper_table("voices/vi_VN-vais1000-medium.onnx"),
    )
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0  # the station still speaks with espeak-ng meanwhile
    warning = next(line for line in result.stderr.splitlines() if "speech.piper.voice" in line)
    assert f"{tmp_path / 'voices' / 'vi_VN-vais1000-medium.onnx'} and " in warning
    assert (
        "curl -L -O https://huggingface.co/rhasspy/piper-voices/resolve/main/vi/vi_VN/vais1000/medium/"
        "vi_VN-vais1000-medium.onnx"
    ) in warning


def test_config_check_is_quiet_about_a_good_vietnamese_voice_and_warns_of_another_language(tmp_path: Path) -> None:
    add_voice(tmp_path)
    config = write_config(
        tmp_path, replace={"fallback = []        #": 'fallback = ["piper"]        #'}, append=piper_table()
    )
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0 and "piper" not in result.stderr, result.stderr
    add_voice(tmp_path, espeak_voice="en-us")
    result = StationCLI(config)("config", "check")
    assert "is not a Vietnamese voice (its phoneme voice is 'en-us', not 'vi')" in result.stderr


def test_doctor_names_the_piper_problem_and_the_fix(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={"fallback = []        #": 'fallback = ["piper"]        #'},
        append=piper_table("voices/vi_VN-vais1000-medium.onnx"),
    )
    station = StationCLI(config)
    station.init()
    result = station("doctor")
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "Piper (offline neural voice)" in x)
    assert line.startswith("PROBLEM  Piper (offline neural voice): speech.piper.voice: ")
    assert "python -m piper.download_voices vi_VN-vais1000-medium" in line


def test_config_show_writes_the_sub_tables_back_to_a_file_that_loads_the_same(tmp_path: Path) -> None:
    add_voice(tmp_path)
    config = write_config(tmp_path, append=piper_table(extra="threads = 1\nlength_scale = 1.1\n"))
    again = tmp_path / "again.toml"
    again.write_text(StationCLI(config).ok("config", "show"), encoding="utf-8")
    assert load_config(again).speech == load_config(config).speech
