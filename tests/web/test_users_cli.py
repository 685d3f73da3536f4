"""`broadcaster users ...` as the technician types them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from broadcaster.service.context import Station
from broadcaster.web.accounts import Accounts
from tests.conftest import StationCLI, write_config


@pytest.fixture
def station(tmp_path: Path) -> StationCLI:
    made = StationCLI(write_config(tmp_path))
    made.init()
    return made


def accounts(station: StationCLI) -> Accounts:
    opened = Station.open(station.config)
    return Accounts(opened.db, opened.clock)


def test_add_with_a_password_file_typed_twice_or_a_one_time_password(station: StationCLI, tmp_path: Path) -> None:
    secret = tmp_path / "mat-khau.txt"
    secret.write_text("mat-khau-tu-tep\n", encoding="utf-8")
    out = station.ok("users", "add", "kythuat", "--role", "technician", "--password-file", str(secret))
    assert out == "Added kythuat (Technician).\n"
    assert accounts(station).authenticate("kythuat", "mat-khau-tu-tep").role == "technician"

    out = station.ok(
        "users",
        "add",
        "vanhoa",
        "--role",
        "official",
        "--full-name",
        "Nguyễn Văn A",
        input="mat-khau-go-vao\nmat-khau-go-vao\n",
    )
    assert out.endswith("Added vanhoa (Culture and social affairs officer).\n")
    assert accounts(station).authenticate("vanhoa", "mat-khau-go-vao").full_name == "Nguyễn Văn A"

    out = station.ok("users", "add", "chutich", "--role", "approver", input="\n")
    one_time = re.search(r"One-time password for chutich: (\S+)\n", out)
    assert one_time, out
    assert accounts(station).authenticate("chutich", one_time[1]).must_change_password

    assert station.fails("users", "add", "huyen", "--role", "district", input="mot-mat-khau\nmat-khau-khac\n") == (
        "Error: The two passwords differ; nothing was changed. Run the command again."
    )
    assert station.fails("users", "add", "KyThuat", "--role", "district", input="\n") == (
        "Error: There is already a user named 'KyThuat'. Choose another user name."
    )
    assert station.fails("users", "add", "ngan", "--role", "official", input="ngan\nngan\n") == (
        "Error: The password is too short: it needs at least 8 characters. Choose a longer password."
    )
    result = station("users", "add", "x", "--role", "admin")
    assert result.exit_code == 2 and "'admin' is not one of" in result.stderr
    assert station.fails(
        "users", "add", "x", "--role", "official", "--password-file", str(tmp_path / "khong-co")
    ).startswith("Error: The password file")


def test_list_passwd_disable_enable_and_token(station: StationCLI) -> None:
    assert station.ok("users", "list") == "No users yet. Add one with: broadcaster users add NAME --role technician\n"
    station.ok("users", "add", "huyen", "--role", "district", "--full-name", "Phòng VH-TT", input="mat-khau-1234\n" * 2)
    station.ok("users", "add", "vanhoa", "--role", "official", input="\n")
    lines = station.ok("users", "list").splitlines()
    assert re.match(r"huyen \s+district\s+active\s+-\s+Phòng VH-TT$", lines[0]), lines
    assert re.match(r"vanhoa\s+official\s+must choose a password\s+-$", lines[1]), lines
    listed = json.loads(station.ok("users", "list", "--json"))
    assert [(u["username"], u["role"], u["active"], u["has_token"]) for u in listed] == [
        ("huyen", "district", True, False),
        ("vanhoa", "official", True, False),
    ]

    out = station.ok("users", "passwd", "vanhoa", input="mat-khau-moi-1\nmat-khau-moi-1\n")
    assert out.endswith("New password set for vanhoa.\n")
    assert not accounts(station).authenticate("vanhoa", "mat-khau-moi-1").must_change_password
    assert station.fails("users", "passwd", "ai-do", input="\n") == (
        "Error: There is no user named 'ai-do'. Run `broadcaster users list` to see the user names."
    )

    assert station.ok("users", "disable", "vanhoa") == "vanhoa is disabled.\n"
    assert "disabled" in station.ok("users", "list").splitlines()[1]
    assert station.ok("users", "enable", "VANHOA") == "vanhoa can log in again.\n"

    result = station("users", "token", "huyen")
    assert result.exit_code == 0 and re.fullmatch(r"bct_[A-Za-z0-9_-]{43}\n", result.stdout)
    assert "Authorization: Bearer" in result.stderr
    assert accounts(station).by_token(result.stdout.strip()) is not None
    assert "token" in station.ok("users", "list").splitlines()[0]
    assert station.ok("users", "token", "huyen", "--revoke") == "huyen has no API token now.\n"
    assert accounts(station).by_token(result.stdout.strip()) is None


def test_the_cli_speaks_vietnamese_when_asked(station: StationCLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "vi")
    assert station.ok("users", "list") == (
        "Chưa có người dùng nào. Thêm người dùng bằng lệnh: broadcaster users add TÊN --role technician\n"
    )
    refused = station("users", "passwd", "ai-do")  # click's "Error:" label too (issue 10)
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Lỗi: Không có người dùng tên 'ai-do'. Chạy lệnh `broadcaster users list` để xem các tên đăng nhập.\n",
    )
    # Without BROADCASTER_LANG the CLI follows [station] language (Vietnamese by default, English here).
    monkeypatch.delenv("BROADCASTER_LANG")
    assert station.ok("users", "list").startswith("Chưa có người dùng nào.")
    folder = station.config.parent / "en"
    folder.mkdir()
    english = StationCLI(write_config(folder, replace={'# language = "vi"': 'language = "en"'}))
    english.init()
    assert english.ok("users", "list").startswith("No users yet.")
