"""Every error broadcaster raises on purpose.

Each error carries a message that names the thing at fault and, where there
is one, a hint saying what to do next. The CLI prints both; nothing else in
the package decides to exit. User-facing wording lives here and in cli/ so a
Vietnamese translation is one contained change.
"""

from __future__ import annotations


class BroadcasterError(Exception):
    """Base of all expected failures; the CLI turns them into one-line errors.

    `console_hint`, when given, is what the web console and the hub's pages say instead of `hint`:
    for a hint that names a command ("Run `broadcaster log`…"), the page to use."""

    def __init__(self, message: str, hint: str | None = None, *, console_hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.console_hint = console_hint

    @property
    def hint_on_pages(self) -> str | None:
        return self.console_hint or self.hint

    def said_on_pages(self) -> str:
        """The message and the hint for the pages, as one line (what `str()` is for the command line)."""
        hint = self.hint_on_pages
        return f"{self.message} {hint}" if hint else self.message

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class ConfigError(BroadcasterError):
    """config.toml is missing, unreadable or wrong; may carry many problems."""

    def __init__(self, message: str, hint: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []

    def __str__(self) -> str:
        text = super().__str__()
        if self.problems:
            text += "\n" + "\n".join(f"  - {p}" for p in self.problems)
        return text


class InputError(BroadcasterError):
    """Something the user typed or gave us is not acceptable."""


class NotFoundError(BroadcasterError):
    """An item, airing or file that was asked for does not exist."""


class StoreError(BroadcasterError):
    """The database cannot be reached, is locked or is not set up."""


class SpeechError(BroadcasterError):
    """No engine could turn a text into valid speech."""


class AudioError(BroadcasterError):
    """Audio could not be decoded, processed or assembled (ffmpeg, pydub)."""


class OutputError(BroadcasterError):
    """The sound card or output folder could not play or write audio."""


class AmplifierError(BroadcasterError):
    """The amplifier could not be switched on or off."""


class AlreadyRunningError(BroadcasterError):
    """A second daemon was started for a station that already has one."""
