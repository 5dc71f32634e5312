"""The award domain's pure model: publicity content and timing, the choice of the winner, the contract's terms."""

from zhaocai.award.model.choice import PassedOver, PassOverReason, choose
from zhaocai.award.model.contract import ContractTerms, WinningBid, check_terms, deposit_interest
from zhaocai.award.model.publicity import (
    CandidateInput,
    PublicCandidate,
    PublicityContent,
    PublicityTiming,
    check_period,
    timing,
)

__all__ = [
    "CandidateInput",
    "ContractTerms",
    "PassOverReason",
    "PassedOver",
    "PublicCandidate",
    "PublicityContent",
    "PublicityTiming",
    "WinningBid",
    "check_period",
    "check_terms",
    "choose",
    "deposit_interest",
    "timing",
]
