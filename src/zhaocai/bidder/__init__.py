"""The bidder tool (投标工具): builds, seals, test-decrypts and submits bids on the bidder's own machine, and
withdraws them — as a Python API and as `zhaocai bidder ...` (cli.py). It talks to a platform only through its public
API (docs/bidding.md) and writes only the published formats (docs/envelope.md, docs/bid-format.md), as any vendor's
tool may (电子招标投标办法8).

    keys = generate_backup_key("gm", Path("keys"))                          # 办法31 remedy: a backup key pair
    archives = pack(BidSpec.load(Path("bid.json")), base_dir=..., out_dir=..., requirements=reqs)
    header = seal_bid(archives, Path("bid.zcenv"), requirements=reqs, credentials=creds, bid_version=1)
    receipt = BidderClient(url, token).submit(lot_id, Path("bid.zcenv"))    # verified against the platform's keys
"""

from zhaocai.bidder.client import BidderClient, BidderError
from zhaocai.bidder.credentials import BackupKey, Credentials, generate_backup_key
from zhaocai.bidder.pack import pack
from zhaocai.bidder.requirements import BidRequirements
from zhaocai.bidder.sealer import seal_bid
from zhaocai.bidder.signals import TOOL_ID, machine_hash
from zhaocai.bidder.spec import BidSpec

__all__ = [
    "TOOL_ID",
    "BackupKey",
    "BidRequirements",
    "BidSpec",
    "BidderClient",
    "BidderError",
    "Credentials",
    "generate_backup_key",
    "machine_hash",
    "pack",
    "seal_bid",
]
