"""Citations of rules that are requirements rather than numbers.

Every number (a period, a count, a ratio, an amount) lives in the rules table with its citation; these are the
requirements with no number to look up, cited here once so refusals name them the same way everywhere.
Short names as in reference/china-rules.md: 法 = 招标投标法, 条例 = 实施条例, 20号令 = 电子招标投标办法,
10号令 = 招标公告和公示信息发布管理办法, 16号令 = 必须招标的工程项目规定.
"""

APPROVAL = "条例7"  # scope, method and organisation form are approved with the project
AGENCY = "法12"  # a tenderer may run the tender itself or entrust an agency (招标代理机构), which must be named
OPEN_TENDER_REQUIRED = "条例8"  # state-controlled mandatory projects use open tender unless 条例8 grounds apply
NOTICE_CONTENT = "10号令5"  # what a prequalification notice or tender notice must state
PRICES = "条例27"  # at most one secret 标底; a price ceiling must be published; no minimum price
BACKUP_KEY_REMEDY = "20号令31"  # the documents may announce a remedy for a bid that cannot be decrypted
BOND_BASIC_ACCOUNT = "条例26"  # a domestic bidder's cash bond must come from its basic account (基本账户)
OBJECTION_SUSPENDS = "条例22"  # an objection to the documents suspends the tender until it is answered
CANCELLATION = "条例31"  # a tenderer that ends the tender (终止招标) must announce it and say why
SUPERVISORY_DIRECTIVE = "条例62"  # the supervising department may order the tender suspended (责令暂停)

MUST_TENDER_BUDGET_FUNDS = "16号令2(一)"
MUST_TENDER_STATE_CONTROLLED = "16号令2(二)"
MUST_TENDER_FOREIGN_FUNDS = "16号令3"
MUST_TENDER_PUBLIC_INTEREST = "16号令4"
MUST_TENDER_MERGED = "16号令5"
