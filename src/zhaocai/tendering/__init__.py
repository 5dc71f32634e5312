"""Tendering (招标): projects, tender projects and lots, and the procedure from the notice to the bid deadline.

`model/` is the pure domain (docs/procedure.md); use cases, schemas and routers sit beside it.
"""
