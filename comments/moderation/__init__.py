"""The rules of the discussion.

Who may post, which rule holds or rejects a comment, and the one place where a
comment's status changes (`change_status`), which also writes the audit trail.
Views and admin actions call these functions; they hold no rules of their own.

One module per concern: `rules` (what a comment meets), `posting` (posting
and editing), `status` (every change of status and the trail), `reports`,
`sanctions`, `appeals`. Callers use this package's names.
"""

from .appeals import (
    AppealRefused,
    appeal_deadline,
    appeal_refusal,
    decide_appeal,
    decision_refusal,
    file_appeal,
    last_rejection,
    waiting_appeals,
)
from .posting import (
    edit_comment,
    post_comment,
    posting_sanction,
)
from .reports import (
    AlreadyReported,
    NotReportable,
    delete_reports,
    dismiss_reports,
    report_comment,
)
from .rules import (
    REASON_MAX_LENGTH,
    REJECTION_RATE_WINDOW,
    AlreadyPosted,
    PostingRefused,
    closed_reason,
    evaluate,
    leaving_reason,
    listed_words,
    rejection_rate_holds,
    security_log,
)
from .sanctions import (
    amend_sanction,
    lift_sanction,
    note_reader,
    reject_and_ban,
    sanction_reader,
)
from .status import (
    BATCH_SIZE,
    FeaturedLimitReached,
    approve,
    change_status,
    change_status_of_all,
    delete_comment,
    feature,
    reject,
    unfeature,
)

__all__ = [
    "BATCH_SIZE",
    "REASON_MAX_LENGTH",
    "REJECTION_RATE_WINDOW",
    "AlreadyPosted",
    "AlreadyReported",
    "AppealRefused",
    "FeaturedLimitReached",
    "NotReportable",
    "PostingRefused",
    "amend_sanction",
    "appeal_deadline",
    "appeal_refusal",
    "approve",
    "change_status",
    "change_status_of_all",
    "closed_reason",
    "decide_appeal",
    "decision_refusal",
    "delete_comment",
    "delete_reports",
    "dismiss_reports",
    "edit_comment",
    "evaluate",
    "feature",
    "file_appeal",
    "last_rejection",
    "leaving_reason",
    "lift_sanction",
    "listed_words",
    "note_reader",
    "post_comment",
    "posting_sanction",
    "reject",
    "reject_and_ban",
    "rejection_rate_holds",
    "report_comment",
    "sanction_reader",
    "security_log",
    "unfeature",
    "waiting_appeals",
]
