"""`make demo`'s scripted tender, run for real: two uvicorn servers on loopback, the sandbox's clock accelerated,
everything through the API and the bidder tool — and the audit log of the sandbox verifies afterwards."""

from __future__ import annotations

from rich.console import Console

from zhaocai.audit.note import note_verifier
from zhaocai.audit.verify import verify_log
from zhaocai.audit.wiring import checkpoint_verifying_keys, log_origin, make_sequencer
from zhaocai.core.net import free_loopback_port
from zhaocai.demo.__main__ import Platform, prepare
from zhaocai.demo.environment import sandbox_settings
from zhaocai.demo.walkthrough import Walkthrough


def test_the_demo_tender_runs_to_its_deadline_with_three_sealed_bids(tmp_path):
    port = free_loopback_port()
    # ×100,000: the 21-day tender passes in about 20 s, while the bidders' sealing (a few sandbox days) fits in it
    container, logins = prepare(sandbox_settings(tmp_path / "sandbox", port=port, factor=100_000))
    assert {"tenderer", "bidder-a", "bidder-b", "bidder-c"} <= set(logins)
    platform = Platform(container, port).start()
    try:
        outcome = Walkthrough(container, platform.url, Console(file=(tmp_path / "out.txt").open("w"))).run()
    finally:
        platform.stop()
    assert outcome["state"] == "deadline_passed"
    assert outcome["bids"] == 3
    transcript = (tmp_path / "out.txt").read_text()
    assert "403" in transcript  # the count was refused before the deadline

    make_sequencer(container).drain()
    origin = log_origin(container.settings)
    verifiers = [note_verifier(origin, key) for key in checkpoint_verifying_keys(container.keyring)]
    with container.engine.connect() as conn:
        report = verify_log(conn, container.settings.crypto_suite, verifiers)
    assert report.ok, report.problems
