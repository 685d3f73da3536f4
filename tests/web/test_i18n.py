"""The catalogs: complete, compiled, placeholders kept; how the CLI and the console choose a language."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from broadcaster import i18n
from broadcaster.config import parse_config
from broadcaster.errors import ConfigError
from tests.conftest import REPO

PACKAGE = REPO / "broadcaster"
LOCALE = PACKAGE / "locale"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")
# Placeholders a translation may leave out: click fills {number_type} with its English type name ("integer
# range"), which the Vietnamese sentence does without.
MAY_LEAVE_OUT = {"{value!r} is not a valid {number_type}.": {"{number_type}"}}


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE / language / "LC_MESSAGES" / "broadcaster.po").open("rb") as handle:
        return read_po(handle, locale=language)


def source_messages() -> set[str]:
    method_map = [("**.py", "python"), ("web/templates/**.html", "jinja2"), ("hub/pages/templates/**.html", "jinja2")]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, keywords={**DEFAULT_KEYWORDS, "N_": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_of_the_code_and_templates_has_a_vietnamese_translation() -> None:
    vi = catalog("vi")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in vi if m.id}
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"run `bash scripts/i18n.sh update` and translate: {missing}"
    for message in translated.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"no Vietnamese for {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy translation of {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for string in strings:
            kept = set(_PLACEHOLDER.findall(ids[-1])) - MAY_LEAVE_OUT.get(ids[-1], set())
            assert kept <= set(_PLACEHOLDER.findall(string)) <= set(_PLACEHOLDER.findall(ids[-1])), message.id


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_shipped_mo_files_are_compiled_from_the_po_files(language: str) -> None:
    po = catalog(language)
    with (LOCALE / language / "LC_MESSAGES" / "broadcaster.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            expected = message.string[0] or message.id[0]
            assert mo.ngettext(message.id[0], message.id[1], 1) == expected, "run `bash scripts/i18n.sh compile`"
        else:
            assert mo.gettext(message.id) == (message.string or message.id), "run `bash scripts/i18n.sh compile`"


def test_a_language_can_be_active_for_one_request_only() -> None:
    seen: dict[str, str] = {}

    def speak(language: str) -> None:
        with i18n.activate(language):
            seen[language] = i18n._("Users")

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("vi", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"vi": "Người dùng", "en": "Users"}
    with i18n.activate("vi"):
        assert (
            i18n.language() == "vi"
            and i18n.ngettext(
                "%(num)d problem found: fix it and check again.", "%(num)d problems found: fix them and check again.", 2
            )
            == "Phát hiện %(num)d vấn đề: hãy khắc phục rồi kiểm tra lại."
        )
    assert i18n._("Users") == "Users"  # the process (tests: BROADCASTER_LANG=en) is untouched


def test_languages_are_recognised_in_their_usual_spellings() -> None:
    assert [i18n.normalize_language(t) for t in ("vi", "vi_VN.UTF-8", "EN", "en-US", "fr", "", None)] == [
        "vi", "vi", "en", "en", None, None, None,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.translations("fr")


def test_the_cli_language_comes_from_the_environment_then_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = tmp_path / "en.toml"
    english.write_text('[station]\nlanguage = "en"\n', encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("[station\n", encoding="utf-8")
    monkeypatch.setenv("BROADCASTER_LANG", "vi_VN.UTF-8")
    assert i18n.cli_language(["--config", str(english)]) == "vi"
    monkeypatch.delenv("BROADCASTER_LANG")
    monkeypatch.chdir(tmp_path)
    assert i18n.cli_language(["users", "list", "--config", str(english)]) == "en"
    assert i18n.cli_language([f"--config={english}"]) == "en"
    assert i18n.cli_language([], english) == "en"
    assert i18n.cli_language(["--config", str(broken)]) == "vi"  # `config check` then says what is wrong
    assert i18n.cli_language([]) == "vi"  # no ./config.toml here
    monkeypatch.setenv("BROADCASTER_CONFIG", str(english))
    assert i18n.cli_language([]) == "en"


def test_station_language_and_web_settings_are_checked(tmp_path: Path) -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    config = parse_config(text, tmp_path / "config.toml")
    assert (config.station.language, config.web.host, config.web.port) == ("vi", "127.0.0.1", 8080)
    assert config.web.upload_limit_mb == 20 and config.web_secret_path == tmp_path / "data" / "web-secret"
    bad = text.replace('# language = "vi"', 'language = "vie"').replace("# port = 8080", "port = 80800")
    with pytest.raises(ConfigError) as error:
        parse_config(bad, tmp_path / "config.toml")
    assert "station.language: unknown language 'vie'. Did you mean 'vi'? Use \"vi\" (Vietnamese)" in str(error.value)
    assert "web.port: must be between 1 and 65535" in str(error.value)


def test_loading_a_catalog_does_not_import_babel() -> None:
    code = (
        "import sys, broadcaster.i18n as i; i.set_language('vi'); "
        "print(i._('Users'), 'babel' in sys.modules, 'jinja2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "Người dùng False False"
