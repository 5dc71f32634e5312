"""The tender procedure's use cases, in one place (each lives in the module of its step)."""

from zhaocai.tendering.clarifications import do_answer_question, do_ask_question, do_publish_clarification
from zhaocai.tendering.directives import do_lift_directive, do_suspend_by_directive
from zhaocai.tendering.documents import DocumentFile, do_issue_documents, store_document
from zhaocai.tendering.downloads import do_download_document, do_read_downloaders
from zhaocai.tendering.ending import do_cancel_tender, do_declare_failed, do_re_tender
from zhaocai.tendering.notices import do_publish_notice
from zhaocai.tendering.objections import do_answer_objection, do_raise_objection, do_resume_tender
from zhaocai.tendering.prequalification import do_publish_prequal_result
from zhaocai.tendering.projects import do_register_project
from zhaocai.tendering.scheduler import do_apply_time_events, do_process_due_tenders
from zhaocai.tendering.tenders import CreatedTender, LotSpec, do_add_lot, do_create_tender

__all__ = [
    "CreatedTender",
    "DocumentFile",
    "LotSpec",
    "do_add_lot",
    "do_answer_objection",
    "do_answer_question",
    "do_apply_time_events",
    "do_ask_question",
    "do_cancel_tender",
    "do_create_tender",
    "do_declare_failed",
    "do_download_document",
    "do_issue_documents",
    "do_lift_directive",
    "do_process_due_tenders",
    "do_publish_clarification",
    "do_publish_notice",
    "do_publish_prequal_result",
    "do_raise_objection",
    "do_re_tender",
    "do_read_downloaders",
    "do_register_project",
    "do_resume_tender",
    "do_suspend_by_directive",
    "store_document",
]
