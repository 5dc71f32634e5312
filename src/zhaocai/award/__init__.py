"""Candidate publicity, award, award / result notices, contract and performance (issue #4; docs/award.md)."""
