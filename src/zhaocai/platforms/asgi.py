"""ASGI entry point for uvicorn workers: builds the container from ZHAOCAI_* settings."""

from zhaocai.bootstrap import build
from zhaocai.platforms import build_app

app = build_app(build())
