"""ASGI entry point for uvicorn workers: builds the container from ZHAOCAI_* settings."""

import gc

from zhaocai.bootstrap import build
from zhaocai.platforms import build_app

app = build_app(build())
# What start-up built lives as long as the worker: the cyclic collector no longer walks it in every full collection
# (each one holds the GIL: ~90 ms per full collection in a deadline rush without this, ~45 ms with it).
gc.freeze()
