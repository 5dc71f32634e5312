"""The articles the award domain cites (reference/china-rules.md §1 steps 12–16)."""

PUBLICITY = "条例54"  # publicity within 3 days of the report, for at least 3 days; objections answered in 3 days
PUBLICITY_CONTENT = "招标公告和公示信息发布管理办法6"  # 10号令6: what the candidate publicity must state
FIRST_RANKED = "条例55"  # state-controlled projects award the first-ranked candidate; the fall-back order
RECHECK = "条例56"  # a candidate whose situation changed is re-checked by the committee
NOTICES = "电子招标投标办法36"  # award notice and result notices through the platform
AWARD_REPORT = "招标投标法47"  # written report to the supervising department within 15 days
CONTRACT_PERIOD = "招标投标法46"  # contract within 30 days of the award notice
CONTRACT_TERMS = "条例57"  # terms match the tender documents and the winning bid; bonds back with interest
PERFORMANCE_BOND = "条例58"  # performance bond at most 10% of the contract price
BOND_KEPT = "条例35"  # a bid revoked after the deadline: the bond may be kept
PERFORMANCE = "电子招标投标办法37"  # performance information
