"""Report documents (.docx, .png) made by a short-lived child process, for a long-running front end.

python-docx and matplotlib would otherwise stay in the console's memory for good once the
first report was downloaded (matplotlib alone is about 50 MB, half the console's budget). The
child opens the station itself, checks and builds the report exactly as `broadcaster report`
does, writes the file and exits; a refusal or an error comes back as the station's own message.

    python -m broadcaster.service.report_files CONFIG FORMAT FIRST LAST LABEL OUT LANGUAGE
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from broadcaster import i18n
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.reports.periods import Period
from broadcaster.service.context import Station
from broadcaster.service.evidence import Evidence, ReportRefused

TIMEOUT_S = 300
CHILD_FORMATS = ("docx", "png")


def write_in_child(station: Station, period: Period, fmt: str, out: Path) -> Path:
    """Write the report of `period` as `fmt` to `out` in a child process; raises its error."""
    command = [
        sys.executable,
        "-m",
        "broadcaster.service.report_files",
        str(station.config.path),
        fmt,
        period.start.isoformat(),
        period.end.isoformat(),
        period.label,
        str(out),
        i18n.language(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BroadcasterError(
            _("Making the report took longer than {seconds} seconds and was stopped.").format(seconds=TIMEOUT_S),
            _("Try a shorter period, or try again when the station PC is less busy."),
        ) from exc
    if done.returncode == 0:
        return out
    try:
        error = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        error = {"message": _("The report could not be made."), "hint": done.stderr.decode("utf-8", "replace")[-500:]}
    kind = ReportRefused if error.get("refused") else BroadcasterError
    raise kind(str(error.get("message")), error.get("hint"))


def _child(argv: list[str]) -> int:
    config, fmt, first, last, label, out, language = argv
    i18n.set_language(language)
    try:
        station = Station.open(Path(config))
        try:
            evidence = Evidence(station)
            period = Period(date.fromisoformat(first), date.fromisoformat(last), label)
            evidence.write(evidence.checked_report(period), fmt, Path(out))
        finally:
            station.close()
    except BroadcasterError as exc:
        answer = {"message": exc.message, "hint": exc.hint, "refused": isinstance(exc, ReportRefused)}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
