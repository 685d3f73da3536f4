"""The commands' descriptions and options' help, listed for the catalog (never imported by the program).

Babel reads neither docstrings nor `help=`: this list, written by `python -m tests.test_cli_help_vi`
from the command tree, is what `scripts/i18n.sh update` extracts them from. broadcaster/cli/help.py
translates them when `--help` is shown; tests/test_cli_help_vi.py checks the list is complete.
"""

from __future__ import annotations

from broadcaster.i18n import N_

TEXTS = (
    N_("2021-Q1, 2021-03 or 2021."),
    N_("2021-Q1, 2021-03, 2021 or 2021-03-05..2021-04-10."),
    N_("A recorded bulletin (audio file)."),
    N_("A recording to air instead of speaking the text: mp3, m4a, aac, ogg, opus, amr, wav, flac, webm."),
    N_("A verification code printed by an earlier `audit verify` (COUNT:HASH)."),
    N_("Add a district user who may log in to the hub's pages."),
    N_("Add a user who may log in to the web console."),
    N_("Address to listen on (0.0.0.0: every network)."),
    N_("Address to listen on (default: [web] host, 127.0.0.1; 0.0.0.0 for the commune's LAN)."),
    N_("Air a news item at once, interrupting any bulletin that is playing (emergencies, khẩn cấp)."),
    N_("Air it once more although it has aired as often as wanted."),
    N_(
        "Airtime report for a period, by topic and slot, against the plan's targets.\n"
        "\n"
        "The log and its figures are checked first: a report is not made from a log that fails\n"
        "verification (see --allow-unverified). docx is the Vietnamese administrative report\n"
        "(Nghị định 30/2020) to sign and send to the district."
    ),
    N_("Approve a news item for airing (who and when are stored)."),
    N_("Approve a pending bulletin: sign it and queue it for its stations."),
    N_("Approver's name: publish at once. Without it the bulletin waits for approval."),
    N_("Bulletins the district sends to its communes."),
    N_("Bulletins, newest first: addressed to, delivered to, aired by, airings counted."),
    N_("Cancel a news item: it will not air again (if it is on air now, it is cut and the bulletin goes on)."),
    N_(
        "Change a news item; options not given keep their values.\n"
        "\n"
        "--audio gives the item a new recording (a typed item becomes a recorded one; its text, the "
        "transcript)."
    ),
    N_("Check or show the station configuration."),
    N_("Check that the station can run: config, database, ffmpeg, voices, disk, sound, amplifier."),
    N_("Check the audit trail's hash chain: exit 0 when intact, 1 naming the first bad entry."),
    N_("Check the hash chain and the airtime figures reports read: exit 0 when intact, 1 naming the first problem."),
    N_(
        "Clear a station's FORKED flag once the district has looked into it (written to the audit trail).\n"
        "\n"
        "The hub's copy of the station's log is kept as it is: if the station still sends a log that\n"
        "differs from it, its next sync flags it again."
    ),
    N_("Compose a bulletin for some or all communes; prints its id."),
    N_("Create or upgrade the hub's database and create its signing key (safe to run again)."),
    N_("Create the station's database and folders, or upgrade an older database (safe to run again)."),
    N_("Every item that may still air."),
    N_("Exchange with the district hub now: receive bulletins, send the airing log, keep the receipt."),
    N_("File to write (default: the station's reports folder for docx/png, the screen for the others)."),
    N_("File to write (docx/png: required)."),
    N_("First day (YYYY-MM-DD)."),
    N_("First day (with --to), YYYY-MM-DD."),
    N_("First day it may air (YYYY-MM-DD)."),
    N_("First day it may air: YYYY-MM-DD or DD/MM/YYYY (day first)."),
    N_("Folder of the demo station: a new or empty one, or one an earlier demo made (only that is replaced)."),
    N_("How many days ahead."),
    N_("How many entries."),
    N_("How many times each station airs it."),
    N_("How many times it should air, 1 to 1000 (default 1)."),
    N_("Hub config file (default: $BROADCASTER_HUB_CONFIG)."),
    N_("Hub database URL (default: $BROADCASTER_HUB_DATABASE or the hub config)."),
    N_("ISO 639-3 code of the recording's language (default vie; see [[languages]] in config.toml)."),
    N_(
        "Import news from .txt (title on line 1), .docx (title = first paragraph) or .csv (all or nothing),\n"
        "or recordings: a folder or .zip holding them and one .csv describing them (all or nothing).\n"
        "\n"
        "CSV header: title,topic,text,priority,from,until,airings (separated by commas, semicolons or tabs).\n"
        "For recordings: title,topic,audio,language,priority,from,until,airings (text: an optional "
        "transcript),\n"
        "where audio is the file's name in the folder.\n"
        "Dates are YYYY-MM-DD or DD/MM/YYYY (day first: 03/01/2021 is 3 January)."
    ),
    N_("Is the daemon running, what is on air, the next slot, items waiting for speech or approval."),
    N_("Last day (YYYY-MM-DD)."),
    N_("Last day (with --from), YYYY-MM-DD."),
    N_("Last day it may air (emergencies: today unless given)."),
    N_("Last day it may air (today or later): YYYY-MM-DD or DD/MM/YYYY."),
    N_("Let a disabled user log in again."),
    N_(
        "Link this station to its district hub, or show the link, its receipts and refusals.\n"
        "\n"
        "With --url and --station: writes [hub] in config.toml (nothing else in the file changes) and\n"
        "prints this station's public key for the district to register. Without them: shows the link."
    ),
    N_("List news items."),
    N_("List sound devices (names for [output] device in config.toml)."),
    N_("List the console's users, their roles and whether they may log in."),
    N_("List the hub's users, their roles and whether they may log in."),
    N_("List the plan's content topics (codes to use with --topic)."),
    N_("Machine-readable output."),
    N_("Make a bearer token for the API (replacing the user's earlier one); it is shown once, stored hashed."),
    N_("Make the report even if the log or its figures fail verification; every page then says so."),
    N_("Make the speech that is missing for items (cached: unchanged items are not spoken twice)."),
    N_("Name of the district approver."),
    N_("One bulletin of one item, written to a WAV file at once: checks an installation in about 20 seconds."),
    N_("Only airings with this outcome."),
    N_("Only items with this status."),
    N_("Only this kind of action: login, user, item, or a full one such as item.approve."),
    N_("Only this topic code."),
    N_("Only this user's actions (the command line appears as cli:<system user>)."),
    N_("Port to listen on (default: [web] port, 8080)."),
    N_("Port to listen on."),
    N_("Print the effective configuration, defaults included."),
    N_("Print the hub's public key and its fingerprint (what stations pin)."),
    N_(
        "Print the spoken form of TEXT (numbers, dates, codes, abbreviations in words).\n"
        "\n"
        "With no TEXT, read standard input and write one spoken line per input line."
    ),
    N_("Priority for .txt and .docx files."),
    N_(
        "Processes serving at once (PostgreSQL only): about one per CPU core. Each keeps up to 30 database connections."
    ),
    N_(
        "Queue a news item; prints its id.\n"
        "\n"
        "Dates are YYYY-MM-DD or DD/MM/YYYY (day first: 03/01/2021 is 3 January).\n"
        "With --audio the recording airs as it is (no title is read before it); --text is then its "
        "transcript."
    ),
    N_("Read the new password from the first line of this file (else: typed twice, or a one-time password)."),
    N_("Read the password from the first line of this file (else: typed twice, or a one-time password)."),
    N_("Read the text from a UTF-8 file ('-' for standard input)."),
    N_("Register a commune's station by the public key it printed."),
    N_("Remove the user's API token instead of making a new one."),
    N_("Replace a station's registered key (a new or restored station PC); the old key stops working."),
    N_("Report every problem in config.toml at once (exit 1 if there is any), then what looks unintended."),
    N_("Run a short demo day: sample news, three slots a few seconds apart, an emergency, the log and the report."),
    N_("Run the hub until stopped (Ctrl+C): the stations' API and the district's pages, at one address."),
    N_(
        "Run the station daemon: air every slot on time, emergencies at once, log everything.\n"
        "\n"
        "Stop with Ctrl-C or SIGTERM (an airing cut short is logged as interrupted);\n"
        "SIGHUP reloads config.toml."
    ),
    N_(
        "Serve the web console (in Vietnamese) for the official, the chairman, the technician and the "
        "district.\n"
        "\n"
        "Runs until stopped (Ctrl+C, or `systemctl stop broadcaster-web` when installed as a service)."
    ),
    N_("Set a user's password (they are logged out everywhere; a login pause is lifted)."),
    N_("Short title of the bulletin."),
    N_("Short title, read before the text."),
    N_("Show one airing with its items."),
    N_("Show one news item, with how its speech was made."),
    N_("Show the coming slots and what would air in each, with durations."),
    N_("Show what the station is doing (log to the terminal)."),
    N_("Station codes, comma-separated, or all."),
    N_("Station config file (default: $BROADCASTER_CONFIG or ./config.toml)."),
    N_("Stop a user from logging in (their sessions and API token stop working at once)."),
    N_("Stop a user from logging in (they are logged out at once)."),
    N_("Stop after this many seconds (demo, tests)."),
    N_("Sum the airing log again into the airtime figures reports read (when `log verify` found them changed)."),
    N_("The airing log: every slot and emergency airing, completed or not (tamper-evident)."),
    N_("The audit trail: who did what in the console and with `users`, when, from where (newest first)."),
    N_('The commune\'s name, e.g. "Sơn Kim 1".'),
    N_("The communes' stations registered at the hub."),
    N_("The district hub's address, e.g. https://hub.huyen.vn"),
    N_(
        "The district hub: send bulletins to the communes, collect verified evidence of every airing.\n"
        "\n"
        "Each command takes --database URL (PostgreSQL; SQLite for a trial), or BROADCASTER_HUB_DATABASE,\n"
        "or a hub config file (--hub-config). See docs/hub.md."
    ),
    N_("The district's report for a period: per commune and per district bulletin."),
    N_("The hub's public key, if the district gave it (else it is fetched and shown)."),
    N_("The hub's signing key file (default: $BROADCASTER_HUB_KEY or hub-key.pem)."),
    N_("The key `broadcaster hub-link` printed at the station."),
    N_("The news queue: add, list, show, edit, cancel, approve, import."),
    N_("The news text (with --audio: its transcript, optional)."),
    N_("The person's full name, shown in the console (e.g. 'Nguyễn Văn A')."),
    N_("The person's full name, shown on the pages and on approved bulletins."),
    N_("The station's new key, as `broadcaster hub-link` printed it there."),
    N_("The stations with their last contact, airings held and any broken log (forked)."),
    N_("The text the stations speak."),
    N_("The verification code printed on an earlier report (COUNT:HASH or HASH)."),
    N_("This station's code at the district, e.g. SON-KIM-1."),
    N_("Topic code for .txt and .docx files (a .csv has a topic column)."),
    N_("Topic code of the plan (see `broadcaster topics`)."),
    N_("Topic code of the plan, e.g. thu-tuc."),
    N_("Try the first voice again for speech a fallback voice made (e.g. when the internet is back)."),
    N_("WAV file to write."),
    N_("Wanted airings for .txt and .docx files (1 to 1000)."),
    N_("What may air within [speech] render_ahead_hours, and the station's lines (what the daemon runs)."),
    N_("What the district found, e.g. 'Checked on site 12/03: log restored'."),
    N_("Who approves (e.g. the commune chairman's name)."),
    N_("Who may use the hub's pages, with which role (editor, approver, viewer)."),
    N_("Who may use the web console, with which role (official, approver, technician, district)."),
    N_("Write TEXT as mastered speech to a WAV file, to listen to."),
    N_("Write a news item (title, then text) as it will sound on air, to listen to before approving."),
    N_(
        "broadcaster: the software of a commune loudspeaker station (đài truyền thanh xã).\n"
        "\n"
        "Queue news, speak it in Vietnamese, air it on schedule, keep evidence, report airtime."
    ),
    N_(
        "editor (composes bulletins), approver (also approves bulletins someone else composed), viewer (reads"
        " the pages and the reports)."
    ),
    N_("normal (thường), priority (ưu tiên) or emergency (khẩn cấp). Default: normal."),
    N_(
        "official (văn hóa: queue, edit, import, air now, reports), approver (the chairman: also approves), "
        "technician (kỹ thuật: checks, devices, users), district (huyện: read-only evidence)."
    ),
    N_("text, csv (one row per aired item, opens in Excel), json, docx (the report to sign) or png (chart)."),
    N_("text, csv (opens in Excel), json, docx (the report to sign) or png (chart)."),
    N_("thông thường, ưu tiên (first in the next slot) or khẩn cấp (airs at once)."),
)
