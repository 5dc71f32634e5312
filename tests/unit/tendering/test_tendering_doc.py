"""docs/procedure.md carries the procedure table generated from the code; this fails until the doc is regenerated
(the command is in the doc and in zhaocai/tendering/model/docs.py)."""

from __future__ import annotations

from pathlib import Path

from zhaocai.tendering.model import PROCEDURE, EventKind, State, Transition, as_rows, generated_block, updated_doc
from zhaocai.tendering.model.docs import BEGIN, END

DOC = Path(__file__).resolve().parents[3] / "docs" / "procedure.md"


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_doc_carries_the_generated_block() -> None:
    text = doc_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert updated_doc(text) == text, "docs/procedure.md is stale: regenerate it (see zhaocai/tendering/model/docs.py)"


def test_the_state_table_in_the_doc_equals_as_rows() -> None:
    block = doc_text().split(BEGIN)[1].split(END)[0]
    table = block.split("### State table")[1].split("###")[0]
    rows = []
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        state, event, target, guards = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((state.strip("`"), event.removesuffix(" ⏱").strip("`"), target.strip("`"), guards.strip()))
    assert rows == as_rows()


def test_the_block_changes_when_the_table_does() -> None:
    """A positive control: the comparison above would notice a changed table."""
    longer = PROCEDURE.extended([Transition(State.DEADLINE_PASSED, EventKind.RESUME, State.DEADLINE_PASSED)])
    assert generated_block(table=longer) != generated_block()
