"""The generated part of docs/procedure.md: the state table, the guards with their citations, the time events.

Regenerate after changing the table (tests/unit/tendering/test_tendering_doc.py fails until the doc matches):

    .venv/bin/python -c 'import pathlib; from zhaocai.tendering.model.docs import updated_doc as u;
    p = pathlib.Path("docs/procedure.md"); p.write_text(u(p.read_text()))'
"""

from __future__ import annotations

from zhaocai.rules import RulesTable, packaged_rules
from zhaocai.tendering.model.guards import Guard
from zhaocai.tendering.model.machine import PROCEDURE, ProcedureTable
from zhaocai.tendering.model.states import TIME_EVENTS
from zhaocai.tendering.model.timers import TIMERS

BEGIN = "<!-- BEGIN GENERATED from zhaocai.tendering.model (docs.py); do not edit by hand -->"
END = "<!-- END GENERATED -->"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def state_table_markdown(table: ProcedureTable = PROCEDURE) -> str:
    rows = [
        (
            f"`{state}`",
            f"`{event}`" + (" ⏱" if event in {str(kind) for kind in TIME_EVENTS} else ""),
            f"`{target}`" if not target.startswith("(") else target,
            guards,
        )
        for state, event, target, guards in table.as_rows()
    ]
    return _table(("state", "event", "next state", "guards"), rows)


def _citations(guard: Guard, rules: RulesTable) -> str:
    cited = [f"{rules.history(key)[-1].citation} (`{key}`)" for key in guard.rule_keys]
    return "; ".join([*cited, *guard.citations])


def guards_markdown(rules: RulesTable, table: ProcedureTable = PROCEDURE) -> str:
    seen: dict[str, Guard] = {}
    for row in table.rows:
        for guard in row.guards:
            seen.setdefault(guard.name, guard)
    rows = [(f"`{guard.name}`", guard.summary, _citations(guard, rules)) for guard in seen.values()]
    return _table(("guard", "checks", "rules"), rows)


def time_events_markdown(table: ProcedureTable = PROCEDURE) -> str:
    rows = []
    for kind, timer in TIMERS.items():
        states = ", ".join(f"`{row.source}`" for row in table.rows if row.event is kind)
        rows.append((f"`{kind}`", states, timer.falls_due))
    return _table(("time event", "in states", "falls due at"), rows)


def generated_block(rules: RulesTable | None = None, table: ProcedureTable = PROCEDURE) -> str:
    rules = rules or packaged_rules()
    return "\n\n".join(
        [
            BEGIN,
            "### State table\n\n⏱ marks a time event.\n\n" + state_table_markdown(table),
            "### Guards\n\n" + guards_markdown(rules, table),
            "### Time events\n\n" + time_events_markdown(table),
            END,
        ]
    )


def updated_doc(text: str, rules: RulesTable | None = None) -> str:
    """`text` with its generated block replaced by the current one."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated_block(rules) + text[end:]
