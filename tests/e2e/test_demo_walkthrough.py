"""`make demo`'s scripted tender, run for real: a uvicorn server on loopback, the sandbox's clock accelerated,
everything through the API and the bidder tool from the notice to the contract; the archive package verifies
offline (in the demo and with `zhaocai archive verify`), and the sandbox's audit log verifies afterwards."""

from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from zhaocai.audit.note import note_verifier
from zhaocai.audit.verify import verify_log
from zhaocai.audit.wiring import checkpoint_verifying_keys, log_origin, make_sequencer
from zhaocai.cli import app as cli_app
from zhaocai.core.net import free_loopback_port
from zhaocai.demo.__main__ import Platform, prepare
from zhaocai.demo.environment import sandbox_settings
from zhaocai.demo.walkthrough import Walkthrough


def test_the_demo_tender_runs_from_notice_to_a_verified_archive(tmp_path):
    port = free_loopback_port()
    # ×50,000: the 21-day tender passes in about 40 s, and the bidders' sealing (a few sandbox days) and their key
    # hand-over at the opening (a window of at most 3 days: ~5 s) fit in with room for a loaded machine
    container, logins = prepare(sandbox_settings(tmp_path / "sandbox", port=port, factor=50_000))
    assert {"tenderer", "bidder-a", "bidder-b", "bidder-c"} <= set(logins)
    platform = Platform(container, port).start()
    try:
        outcome = Walkthrough(container, platform.url, Console(file=(tmp_path / "out.txt").open("w"), width=200)).run()
    finally:
        platform.stop()
    assert outcome["state"] == "deadline_passed"
    assert outcome["bids"] == 3
    transcript = (tmp_path / "out.txt").read_text()
    assert "403" in transcript  # the count was refused before the deadline
    assert "第1名  演示安装工程股份有限公司  9598000.00 元" in transcript  # the lowest price scored highest here
    assert "replayed by `zhaocai draw verify`: it matches" in transcript
    assert outcome["archive_ok"]
    result = CliRunner().invoke(
        cli_app, ["archive", "verify", outcome["archive"], "--trust", outcome["keys"], "--trust", outcome["trust"]]
    )
    assert result.exit_code == 0, result.output

    make_sequencer(container).drain()
    origin = log_origin(container.settings)
    verifiers = [note_verifier(origin, key) for key in checkpoint_verifying_keys(container.keyring)]
    with container.engine.connect() as conn:
        report = verify_log(conn, container.settings.crypto_suite, verifiers)
    assert report.ok, report.problems
