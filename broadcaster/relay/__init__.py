"""Relays (tiếp sóng): the district's or VOV's programme aired live at set hours, with a fallback so
the horns are never left in dead air. See session.RelaySession."""

from broadcaster.relay.fallback import Fallback, FallbackProvider
from broadcaster.relay.monitor import Thresholds
from broadcaster.relay.result import RelayResult, RelaySegment
from broadcaster.relay.session import RelayFailed, RelaySession, RelaySettings
from broadcaster.relay.source import ProbeResult, probe_stream

__all__ = [
    "Fallback",
    "FallbackProvider",
    "ProbeResult",
    "RelayFailed",
    "RelayResult",
    "RelaySegment",
    "RelaySession",
    "RelaySettings",
    "Thresholds",
    "probe_stream",
]
