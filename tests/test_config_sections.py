"""The sections added for recordings, languages, relays and the hub, and keys renamed since a station was set up."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import load_config
from broadcaster.errors import ConfigError
from tests.conftest import StationCLI, write_config


def problems_of(folder: Path, append: str = "", replace: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(folder, append=append, replace=replace))
    return caught.value.problems


def test_an_old_key_still_works_and_config_check_names_its_new_name(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={"queue_check_seconds = 60": "emergency_poll_seconds = 5"})
    assert load_config(config).daemon.queue_check_seconds == 5
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0
    assert (
        "Warning: daemon.emergency_poll_seconds is now daemon.queue_check_seconds (a safety net: the CLI and the "
        "console wake the daemon at once); rename it in config.toml"
    ) in result.stderr


def test_the_commune_s_languages_default_to_vietnamese_and_common_minority_languages(tmp_path: Path) -> None:
    names = load_config(write_config(tmp_path)).language_names()
    assert names["vie"] == "Tiếng Việt" and names["tyz"] == "Tày" and names["hmn"] == "H'Mông"


def test_languages_must_be_iso_codes_known_to_the_station_and_keep_vietnamese(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        append='\n[[languages]]\ncode = "tay"\nname = "Tày"\n[[languages]]\ncode = "Thai"\nname = "Thái"\n',
    )
    assert "languages: 'Thai' is not an ISO 639-3 code (three small letters, e.g. \"tyz\")" in found
    assert 'languages: "vie" (Tiếng Việt) must stay in the list: typed news is spoken in Vietnamese' in found


def test_a_slot_s_languages_must_be_configured(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace("[[slots]]\n", '[[slots]]\nlanguages = ["tyz", "xyz"]\n', 1)
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert any("slots[1].languages: unknown language 'xyz'." in p for p in caught.value.problems)


def test_a_relay_slot_needs_a_stream_address(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "[[slots]]\n", '[[slots]]\nrelay_url = "ftp://huyen/live"\nrelay_topic = "khong-co"\n', 1
    )
    text = text.replace("[[slots]]\n", '[[slots]]\nrelay_name = "Đài huyện"\n', 2).replace(
        '[[slots]]\nrelay_name = "Đài huyện"\nrelay_url', "[[slots]]\nrelay_url", 1
    )
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    found = caught.value.problems
    assert any(p.startswith("slots[1].relay_url: 'ftp://huyen/live' is not a stream address") for p in found)
    assert any(p.startswith("slots[1].relay_topic: unknown topic code 'khong-co'.") for p in found)
    assert "slots[2]: relay_name and relay_topic need relay_url (the stream to relay)" in found


def test_a_hub_without_its_pinned_key_is_refused(tmp_path: Path) -> None:
    found = problems_of(tmp_path, append='\n[hub]\nurl = "https://hub.huyen.vn"\nstation = "SK1"\n')
    assert "hub.hub_key: missing; run `broadcaster hub-link` to pin the hub's key" in found


def test_a_config_read_again_is_parsed_once_but_an_edit_or_another_folder_is_read_afresh(tmp_path: Path) -> None:
    """load_config keeps the last few parsed configs (the console reads the file at every request)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    path = write_config(tmp_path / "a")
    first = load_config(path)
    assert load_config(path) is first
    path.write_text(path.read_text(encoding="utf-8").replace('data_dir = "data"', 'data_dir = "du-lieu"'), "utf-8")
    assert load_config(path).data_dir == (tmp_path / "a" / "du-lieu").resolve()
    # the same text in another folder: its relative paths resolve against that folder
    other = tmp_path / "b" / "config.toml"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_config(other).data_dir == (tmp_path / "b" / "du-lieu").resolve()
    # a problem is reported at every read, never kept
    path.write_text(path.read_text(encoding="utf-8") + "[stations]\n", encoding="utf-8")
    for _read in range(2):
        with pytest.raises(ConfigError):
            load_config(path)
