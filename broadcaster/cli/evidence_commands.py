"""log, log show, log verify, report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.cli import airing_output
from broadcaster.cli.common import config_option, echo_json, open_station
from broadcaster.cli.help import Command, Group
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.reports.formats import FORMATS, NEEDS_RECORDS

OPENED_BY_ENDING = ("csv", "json", "docx", "png")  # -o FILE must end so; text may be named at will

if TYPE_CHECKING:
    from broadcaster.service.evidence import Evidence

STATUSES = ["completed", "interrupted", "failed", "missed", "empty"]


def _evidence(ctx: click.Context) -> Evidence:
    # here, not at the top: `broadcaster --help` must not pay for the database layer
    from broadcaster.service.evidence import Evidence

    return Evidence(open_station(ctx))


@click.group(invoke_without_command=True, cls=Group)
@config_option
@click.option("--from", "start", help="First day (YYYY-MM-DD).")
@click.option("--to", "end", help="Last day (YYYY-MM-DD).")
@click.option("--status", type=click.Choice(STATUSES), help="Only airings with this outcome.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def log(ctx: click.Context, start: str | None, end: str | None, status: str | None, as_json: bool) -> None:
    """The airing log: every slot and emergency airing, completed or not (tamper-evident)."""
    if ctx.invoked_subcommand is not None:
        return
    evidence = _evidence(ctx)
    from broadcaster.service.evidence import LogQuery, date_range

    query = LogQuery(*date_range(start, end), status)
    records = evidence.records(query)
    if as_json:
        from broadcaster.reports.airing_json import to_json

        echo_json([to_json(r, evidence.station.config.tz) for r in records])
        return
    if not records:
        chosen = start or end or status
        click.echo(_("No airings in the log for that choice.") if chosen else _("No airings in the log yet."))
    for record in records:
        click.echo(airing_output.log_line(record, evidence.station))
    click.echo(_("Log verification code: {code}").format(code=evidence.head()))


@log.command("show")
@config_option
@click.argument("airing_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def log_show(ctx: click.Context, airing_id: int, as_json: bool) -> None:
    """Show one airing with its items."""
    evidence = _evidence(ctx)
    record = evidence.record(airing_id)
    from broadcaster.reports.airing_json import to_json

    data = to_json(record, evidence.station.config.tz)
    if as_json:
        echo_json(data)
        return
    airing_output.print_airing(data)


@log.command("verify")
@config_option
@click.option("--head", "head", help="The verification code printed on an earlier report (COUNT:HASH or HASH).")
@click.pass_context
def log_verify(ctx: click.Context, head: str | None) -> None:
    """Check the hash chain and the airtime figures reports read: exit 0 when intact, 1 naming the first problem."""
    from broadcaster.service.log_verify import verify_log

    result = verify_log(open_station(ctx), head)
    said = airing_output.verdict_line(result)
    if not result.ok:
        raise click.ClickException(said)
    click.echo(said)


@log.command("rebuild-summary")
@config_option
@click.pass_context
def log_rebuild_summary(ctx: click.Context) -> None:
    """Sum the airing log again into the airtime figures reports read (when `log verify` found them changed)."""
    result = _evidence(ctx).rebuild_figures()
    if not result.ok:
        raise click.ClickException(
            _("The figures were summed again but still do not match the log: {problem}").format(problem=result.problem)
        )
    click.echo(
        _(
            "Summed the airing log again: {count} airings; the airtime figures match the log "
            "(verification code {count}:{hash})."
        ).format(count=result.count, hash=result.head_hash)
    )


@click.command(cls=Command)
@config_option
@click.option("--period", help="2021-Q1, 2021-03 or 2021.")
@click.option("--from", "start", help="First day (with --to), YYYY-MM-DD.")
@click.option("--to", "end", help="Last day (with --from), YYYY-MM-DD.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text, csv (one row per aired item, opens in Excel), json, docx (the report to sign) or png (chart).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: the station's reports folder for docx/png, the screen for the others).",
)
@click.option(
    "--allow-unverified",
    is_flag=True,
    help="Make the report even if the log or its figures fail verification; every page then says so.",
)
@click.pass_context
def report(
    ctx: click.Context,
    period: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    output: Path | None,
    allow_unverified: bool,
) -> None:
    """Airtime report for a period, by topic and slot, against the plan's targets.

    The log and its figures are checked first: a report is not made from a log that fails
    verification (see --allow-unverified). docx is the Vietnamese administrative report
    (Nghị định 30/2020) to sign and send to the district.
    """
    if output is not None and fmt in OPENED_BY_ENDING and output.suffix.lower() != f".{fmt}":
        # Word, the image viewer and Excel choose by the ending: x.pdf holding a .docx opens nowhere
        raise InputError(
            _("{path} must end in .{suffix} for --format {suffix}.").format(path=output, suffix=fmt),
            _("Give an output file name like bao-cao.{suffix}.").format(suffix=fmt),
        )
    evidence = _evidence(ctx)
    built = evidence.report(
        evidence.period(period, start, end), with_records=fmt in NEEDS_RECORDS, allow_unverified=allow_unverified
    )
    if built.unverified and built.check is not None:
        from broadcaster.reports.reasons_vi import problem_shown

        click.echo(
            _("Warning: this report is made from a log that FAILED verification: {problem}").format(
                problem=problem_shown(built.check.problems[0])
            ),
            err=True,
        )
    if output is None and fmt in ("text", "csv", "json"):
        text = evidence.render(built, fmt)
        text = text if text.endswith("\n") else text + "\n"
        # Bytes, not the terminal's encoding: `> bao-cao.csv` must give the same file as -o (UTF-8, BOM for Excel).
        data = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
        stdout = click.get_binary_stream("stdout")
        stdout.write(data)
        stdout.flush()
        return
    path = evidence.write(built, fmt, output or evidence.default_path(built, fmt))
    click.echo(_("Wrote {path} (log verification code {code}).").format(path=path, code=built.chain_head))


COMMANDS = [log, report]
