"""python -m broadcaster.text: one normalized line out for each line in."""

from __future__ import annotations

import sys

from broadcaster.text.normalize import normalize


def main() -> int:
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    for line in stdin:
        out.write(normalize(line.rstrip("\r\n")) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
