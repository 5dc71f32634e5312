"""Sealed bids (and prequalification applications) up to the deadline (docs/bidding.md, docs/bid-format.md;
DESIGN principles 4, 5, 8).

- `manifest`, `filenames`, `archive`: the bid format inside each sealed section (pure; shared with the bidder tool)
- `receipts`, `withdrawal_notice`: what the platform and the bidder sign
- `checks`: an envelope header checked against the lot's bidding terms and the uploader (pure)
- `targets`: what an envelope is submitted to — a lot (bid) or a tender's prequalification (application, 办法28)
- `intake`: an upload streamed into the blob store through the envelope reader
- `submission`, `withdrawal`: the use cases; `deadline`: the checks run at the deadline (条例34, 条例37)
- `queries`: what a bidder may see of its own bid, and what others may see after the deadline
- `api`: the REST API
"""
