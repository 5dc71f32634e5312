"""Award and result notices as PDF (WeasyPrint; the CJK font is WenQuanYi Micro Hei, Debian's fonts-wqy-microhei).

Rendering is pure apart from the fonts: a NoticeText in, PDF bytes out. About a second per notice, spent subsetting
the CJK font.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, select_autoescape


@dataclass(frozen=True)
class NoticeText:
    notice_id: str
    title: str  # 中标通知书 | 中标结果通知书
    addressee: str
    paragraphs: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    tenderer: str
    agent: str | None
    issued_on: str  # 2026年3月2日
    platform: str
    signature_algorithm: str


@cache
def _template():  # type: ignore[no-untyped-def]
    source = resources.files("zhaocai.award").joinpath("templates/notice.html").read_text(encoding="utf-8")
    return Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True).from_string(source)


def render_html(text: NoticeText) -> str:
    return _template().render(**text.__dict__)


def render_pdf(text: NoticeText) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango and the fonts, which only notices need

    return HTML(string=render_html(text)).write_pdf()
