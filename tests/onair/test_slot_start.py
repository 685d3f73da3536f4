"""A slot's bulletin starts on its second even when the work done just before it is slow."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from broadcaster.onair.airer import AiringRequest
from tests.fakes import FakeAmplifier, FakeClock
from tests.onair.helpers import airing_log, in_process_airer, when


def test_a_slow_amplifier_relay_does_not_delay_the_slot(tmp_path: Path) -> None:
    """The amplifier's relay command and the on-air entry are done before the slot's second,
    not on it: a relay that answers in 0.3 s on a busy PC must not make the bulletin 0.3 s late."""
    setup = in_process_airer(tmp_path)
    clock = setup.station.clock
    assert isinstance(clock, FakeClock)
    amplifier = FakeAmplifier(clock=clock, switch_s=0.3)
    setup.airer.amplifier = amplifier  # type: ignore[assignment]
    slot_at = clock.now() + timedelta(seconds=10)
    request = AiringRequest(kind="slot", slot="Bản tin sáng", scheduled_at=slot_at, items=(setup.item,))

    assert setup.airer.air(request, start_at=slot_at) is not None

    [record] = airing_log(setup.cli)
    assert record["status"] == "completed"
    assert when(record["started_at"]) == slot_at
    assert amplifier.switched_on_at[0] <= slot_at
