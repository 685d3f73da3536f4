"""The hub's application object: settings, database, signing key and clock in one place.

The CLI, the JSON API and (later) the district's pages call the operations in stations.py,
bulletins.py, station_api.py and reports.py with a Hub; none of them opens a session itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster import signing
from broadcaster.clock import Clock, SystemClock
from broadcaster.errors import ConfigError
from broadcaster.hub.db import HubDB
from broadcaster.hub.settings import HubSettings
from broadcaster.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InitResult:
    before: str | None
    after: str
    key_path: Path
    key_created: bool
    public_key: str
    fingerprint: str


class Hub:
    def __init__(self, settings: HubSettings, clock: Clock | None = None, db: HubDB | None = None) -> None:
        self.settings = settings
        self.db = db or HubDB(settings.database)
        self.clock = clock or SystemClock()
        self._key: Ed25519PrivateKey | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.now().astimezone(self.settings.tz).date()

    @property
    def key(self) -> Ed25519PrivateKey:
        """The hub's signing key (bulletins, receipts), read once from its file."""
        if self._key is None:
            path = self.settings.key_file
            if not path.exists():
                raise ConfigError(
                    _("The hub's signing key {path} does not exist.").format(path=path),
                    _("Run `broadcaster hub init` to create it, or point --key (BROADCASTER_HUB_KEY) at it."),
                )
            self._key = signing.load_private_key(path)
        return self._key

    @property
    def public_key(self) -> str:
        return signing.public_text(self.key)

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.key)

    def init(self) -> InitResult:
        """Create or upgrade the schema and create the signing key if there is none. Idempotent."""
        before, after = self.db.upgrade()
        key, created = signing.load_or_create(self.settings.key_file)
        if created:
            log.info("created the hub's signing key %s", self.settings.key_file)
        self._key = key
        return InitResult(
            before, after, self.settings.key_file, created, signing.public_text(key), signing.fingerprint(key)
        )

    def ready(self) -> None:
        self.db.require_current()

    def close(self) -> None:
        self.db.dispose()
