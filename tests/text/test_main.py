import subprocess
import sys


def test_module_reads_lines_and_writes_one_spoken_line_each() -> None:
    text = "Họp lúc 14h30 ngày 15/3.\n\nUBND xã Sơn Kim 1\n"
    run = subprocess.run(
        [sys.executable, "-m", "broadcaster.text"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=60,
    )
    lines = run.stdout.decode("utf-8").splitlines()
    assert lines == [
        "Họp lúc mười bốn giờ ba mươi phút ngày mười lăm tháng ba.",
        "",
        "ủy ban nhân dân xã Sơn Kim một",
    ]
