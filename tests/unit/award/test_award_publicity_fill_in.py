"""What the tender side may add to a candidate of the report (10号令6): a value the report lacks is filled in, one the
report has is kept, a contradicting one is refused, and a value neither gives is missing. (A real bid always names
quality, duration and project manager — the bid format requires them — so only this pure rule meets the gap.)"""

from __future__ import annotations

import pytest

from zhaocai.award.model.publicity import merge_value
from zhaocai.core.errors import ValidationFailed

FIELD = "candidates[0].project_manager"


def test_a_value_the_report_lacks_is_filled_in_and_one_it_has_is_kept():
    assert merge_value(None, " 王工 ", FIELD, "the project manager") == "王工"
    assert merge_value("张三", None, FIELD, "the project manager") == "张三"
    assert merge_value("张三", "张三", FIELD, "the project manager") == "张三"
    assert merge_value(365, None, "candidates[0].duration_days", "the duration") == 365


@pytest.mark.parametrize(
    ("reported", "given", "code"), [("张三", "王工", "contradicts_report"), (None, "  ", "invalid")]
)
def test_a_contradicting_or_missing_value_is_refused(reported, given, code):
    with pytest.raises(ValidationFailed) as caught:
        merge_value(reported, given, FIELD, "the project manager")
    assert (caught.value.field, caught.value.code, caught.value.citation) == (
        FIELD,
        code,
        "招标公告和公示信息发布管理办法6",
    )
