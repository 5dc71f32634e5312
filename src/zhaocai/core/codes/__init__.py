"""National codes: 统一社会信用代码 (GB 32100), GB/T 2260 region codes, 投资项目代码 (GB/T 40058)."""

from zhaocai.core.codes.credit_code import (
    CreditCode,
    is_valid_credit_code,
    make_credit_code,
    organization_check_digit,
    validate_credit_code,
)
from zhaocai.core.codes.project_code import (
    ProjectCode,
    derive_lot_code,
    derive_tender_code,
    is_valid_project_code,
    validate_project_code,
)
from zhaocai.core.codes.regions import Region, RegionLevel, region_name, validate_region_code

__all__ = [
    "CreditCode",
    "ProjectCode",
    "Region",
    "RegionLevel",
    "derive_lot_code",
    "derive_tender_code",
    "is_valid_credit_code",
    "is_valid_project_code",
    "make_credit_code",
    "organization_check_digit",
    "region_name",
    "validate_credit_code",
    "validate_project_code",
    "validate_region_code",
]
