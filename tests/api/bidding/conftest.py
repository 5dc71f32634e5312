"""Bidding API fixtures: the PKI (session-scoped, per suite) and a world per test on the parametrised database."""

from __future__ import annotations

import pytest
from bidding_world import Pki, World, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("bidding-pki"))


@pytest.fixture
def world(container, client, clock, pki) -> World:
    return World(container, client, clock, pki)


@pytest.fixture
def live(world: World):  # type: ignore[no-untyped-def]
    """The same app served by a real uvicorn on 127.0.0.1 (in a thread, sharing the world's FixedClock), for what
    TestClient cannot show: a request body that really streams in while the clock moves."""
    import socket
    import threading
    import time

    import uvicorn

    from zhaocai.platforms import build_app

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_app(world.container), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    listener.close()
