"""gTTS (Google Translate's speech endpoint): natural Vietnamese, needs the internet.

gTTS 2.5 is used only to build its requests (`_prepare_requests`); this module
sends them itself because gTTS's own `save()`:
- sends with no timeout by default, so a dead link hangs the station;
- turns certificate checks off (verify=False);
- leaves an empty or partial file behind when a request fails, and writes a
  0-byte "success" when a 200 reply carries no audio line;
- has no retry, although 429 and 5xx replies from Google are usually transient.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.config.rules import ranged
from broadcaster.errors import SpeechError
from broadcaster.i18n import N_, _
from broadcaster.speech.engine import EngineSpec, atomic_output, nfc

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

MAX_PIECE_CHARS = 100  # what the endpoint accepts per request (gTTS.GOOGLE_TTS_MAX_CHARS)
MAX_RETRY_AFTER_S = 60.0
# The same pattern gTTS uses to find the base64 MP3 in the batchexecute reply.
_AUDIO_LINE = re.compile(r'jQ1olc","\[\\"(.*)\\"]')
_CLAUSE_END = re.compile(r"(?<=[.,;:!?])\s+")

# Said only when gTTS failed; whether another voice spoke instead is the fallback chain's to say.
OFFLINE_HINT = N_("Check the internet connection (gtts is Google's online voice).")


@dataclass(frozen=True)
class GttsSettings:
    """`[speech.gtts]` in config.toml."""

    tld: str = "com.vn"  # translate.google.<tld>
    timeout_seconds: float = ranged(10.0, 0, 120, above=True, unit=N_("seconds"))
    retries: int = ranged(3, 1, 10, unit=N_("tries, the first one included"))


class GttsFailure(SpeechError):
    """One gTTS request failed; `retryable` says whether trying again could help."""

    def __init__(self, message: str, *, retryable: bool, retry_after_s: float | None = None) -> None:
        super().__init__(message, _(OFFLINE_HINT))
        self.retryable = retryable
        self.retry_after_s = retry_after_s


def split_for_gtts(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[str]:
    """Cut `text` into pieces of at most `max_chars`, preferring clause ends (. , ; : ! ?).

    gTTS would cut long text itself, but mid-phrase where its English-minded
    tokenizer sees fit; each piece is spoken with its own intonation, so the
    cuts belong where a reader would pause. Short clauses are packed together
    to keep the number of requests (and the 429 risk) low.
    """
    units: list[str] = []
    for clause in _CLAUSE_END.split(text.strip()):
        units.extend(_split_long(clause, max_chars))
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + 1 + len(unit) <= max_chars:
            pieces[-1] = f"{pieces[-1]} {unit}"
        else:
            pieces.append(unit)
    return [p for p in pieces if p]


def _split_long(clause: str, max_chars: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in clause.split():
        while len(word) > max_chars:  # no space to cut at: cut hard
            if current:
                out.append(current)
                current = ""
            out.append(word[:max_chars])
            word = word[max_chars:]
        if current and len(current) + 1 + len(word) > max_chars:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    return out


class GttsEngine:
    online = True  # needs Google's servers: passed over when speech must be made at air time
    name = "gtts"

    def __init__(
        self,
        lang: str = "vi",
        tld: str = "com",
        timeout_s: float = 10.0,
        retries: int = 3,
        backoff_base_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        """`retries` is the number of tries per request, the first one included."""
        if retries < 1:
            raise ValueError("retries must be at least 1")
        self.lang = lang
        self.tld = tld
        self.voice = lang
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_base_s = backoff_base_s
        self._sleep = sleep
        self._rng = rng

    @property
    def settings(self) -> Mapping[str, object]:
        return {"tld": self.tld, "slow": False}

    def synthesize(self, text: str, out_path: Path) -> None:
        text = nfc(text).strip()
        if not text:
            raise SpeechError("There is no text to speak.", "Give the news item some text.")
        import requests  # here: the daemon and the CLI load it only when Google's voice is used

        with atomic_output(out_path) as tmp, requests.Session() as session, tmp.open("wb") as fp:
            for piece in split_for_gtts(text):
                try:
                    from gtts import gTTS  # imported on use: the idle daemon stays small

                    prepared_requests = gTTS(piece, lang=self.lang, tld=self.tld, lang_check=False)._prepare_requests()
                except AssertionError as exc:  # gTTS asserts when its cleaning leaves nothing to say
                    raise GttsFailure(_("nothing speakable in {piece!r}").format(piece=piece), retryable=False) from exc
                for prepared in prepared_requests:
                    fp.write(self._send_with_retries(session, prepared))

    def _send_with_retries(self, session: requests.Session, prepared: requests.PreparedRequest) -> bytes:
        for attempt in range(1, self.retries + 1):
            try:
                return self._send_once(session, prepared)
            except GttsFailure as failure:
                if not failure.retryable:
                    raise
                if attempt == self.retries:
                    tried = _("{reason} after 1 try") if attempt == 1 else _("{reason} after {count} tries")
                    message = tried.format(reason=failure.message, count=attempt)
                    raise GttsFailure(message, retryable=False) from failure
                delay = self.backoff_base_s * 2 ** (attempt - 1) * (0.5 + self._rng())
                if failure.retry_after_s is not None:
                    delay = max(delay, min(failure.retry_after_s, MAX_RETRY_AFTER_S))
                log.info(
                    "gtts: %s; retrying in %.1f s (try %s of %s)",
                    failure.message,
                    delay,
                    attempt + 1,
                    self.retries,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, session: requests.Session, prepared: requests.PreparedRequest) -> bytes:
        import base64

        import requests

        assert prepared.url is not None
        env = session.merge_environment_settings(prepared.url, {}, None, None, None)
        verify = env.get("verify")
        try:
            response = session.send(
                prepared,
                timeout=self.timeout_s,
                # a CA bundle from REQUESTS_CA_BUNDLE is honoured; switching checks off is not
                verify=verify if isinstance(verify, str) else True,
                proxies=env.get("proxies") or {},
            )
        except requests.Timeout as exc:
            raise GttsFailure(
                _("no reply within {seconds:g} s").format(seconds=self.timeout_s), retryable=True
            ) from exc
        except requests.exceptions.SSLError as exc:
            raise GttsFailure(_("certificate check failed ({error})").format(error=exc), retryable=False) from exc
        except requests.ConnectionError as exc:
            raise GttsFailure(_("could not connect to Google Translate"), retryable=True) from exc
        except requests.RequestException as exc:
            raise GttsFailure(_("request failed ({error})").format(error=exc), retryable=False) from exc
        status = response.status_code
        if status != 200:
            label = f"HTTP {status}" + (f" ({response.reason})" if response.reason else "")
            retryable = status == 429 or status >= 500
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise GttsFailure(label, retryable=retryable, retry_after_s=retry_after)
        chunks = []
        for line in response.content.decode("utf-8", errors="replace").splitlines():
            if "jQ1olc" in line and (match := _AUDIO_LINE.search(line)):
                try:
                    chunks.append(base64.b64decode(match.group(1).encode("ascii"), validate=True))
                except ValueError as exc:
                    raise GttsFailure(_("Google replied with damaged audio"), retryable=False) from exc
        audio = b"".join(chunks)
        if not audio:
            raise GttsFailure(_("Google replied without audio"), retryable=False)
        return audio


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def check_gtts_reachable(tld: str = "com", timeout_s: float = 5.0) -> str | None:
    """None when Google's speech endpoint answers, otherwise why not (for `broadcaster doctor`)."""
    import requests

    url = f"https://translate.google.{tld}/"
    try:
        reply = requests.head(url, timeout=timeout_s, allow_redirects=True)
    except requests.RequestException as exc:
        return _("{url} cannot be reached ({error})").format(url=url, error=type(exc).__name__)
    if reply.status_code >= 500:
        return _("{url} answers HTTP {status}").format(url=url, status=reply.status_code)
    return None


def _build(settings: GttsSettings, _base_dir: Path) -> GttsEngine:
    return GttsEngine(lang="vi", tld=settings.tld, timeout_s=settings.timeout_seconds, retries=settings.retries)


def _check(settings: GttsSettings, _base_dir: Path) -> str | None:
    return check_gtts_reachable(settings.tld, timeout_s=5)


SPEC = EngineSpec(
    name="gtts",
    label=N_("gTTS (online voice)"),
    settings=GttsSettings,
    build=_build,
    ready=N_("Google's speech service answers"),
    check=_check,
    online=True,
)
