"""The discussion's models, one module per concern, all importable from
`comments.models` (Django finds them here)."""

from .appeals import (
    APPEAL_MAX_LENGTH,
    APPEAL_WINDOW,
    DECISION_REASON_MAX_LENGTH,
    Appeal,
    AppealQuerySet,
    AppealState,
)
from .comment import (
    BODY_MAX_LENGTH,
    EDIT_WINDOW_MINUTES,
    FEATURED_LIMIT,
    NEEDS_DECISION,
    SINGLE_WORD,
    Comment,
    CommentQuerySet,
    RemovalReason,
    Rule,
    Status,
    sentence,
    text_fingerprint,
)
from .configuration import (
    WORD_LISTS_CACHE_KEY,
    ArticleDiscussion,
    DiscussionActivity,
    ModerationSettings,
    SlowModePeriod,
    Word,
)
from .conversation import (
    VISIT_RESOLUTION,
    ArticleVisit,
    ArticleVisitQuerySet,
    Ignore,
    IgnoreQuerySet,
    Respect,
)
from .records import (
    CommentRevision,
    ModerationEvent,
    QueueAlert,
    Report,
)
from .sanctions import (
    NOTE_MAX_LENGTH,
    ModeratorNote,
    Sanction,
    SanctionQuerySet,
)

__all__ = [
    "APPEAL_MAX_LENGTH",
    "APPEAL_WINDOW",
    "BODY_MAX_LENGTH",
    "DECISION_REASON_MAX_LENGTH",
    "EDIT_WINDOW_MINUTES",
    "FEATURED_LIMIT",
    "NEEDS_DECISION",
    "NOTE_MAX_LENGTH",
    "SINGLE_WORD",
    "VISIT_RESOLUTION",
    "WORD_LISTS_CACHE_KEY",
    "Appeal",
    "AppealQuerySet",
    "AppealState",
    "ArticleDiscussion",
    "ArticleVisit",
    "ArticleVisitQuerySet",
    "Comment",
    "CommentQuerySet",
    "CommentRevision",
    "DiscussionActivity",
    "Ignore",
    "IgnoreQuerySet",
    "ModerationEvent",
    "ModerationSettings",
    "ModeratorNote",
    "QueueAlert",
    "RemovalReason",
    "Report",
    "Respect",
    "Rule",
    "Sanction",
    "SanctionQuerySet",
    "SlowModePeriod",
    "Status",
    "Word",
    "sentence",
    "text_fingerprint",
]
