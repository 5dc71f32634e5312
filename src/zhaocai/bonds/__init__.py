"""Bid bonds (投标保证金): basic accounts, payment reference codes, bank-statement import and matching, electronic
guarantees, refunds (docs/bonds.md). Before a lot's bid deadline only the bidder sees its own bond."""
