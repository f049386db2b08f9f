"""The moderators' side of the discussion, in Django's admin.

One module per concern, as django-cms's `cms/admin/` is split:

- `queue`: the comment list, which is the moderation queue, and each
  comment's record; `filters`, `history` and `inlines` are its parts;
- `reports`: readers' reports;
- `appeals`: authors' appeals against rejections, their queue and decisions;
- `sanctions`: sanctions on readers and the forms that record them;
- `notes`: moderators' notes on readers;
- `configuration`: the word lists, the moderation settings and each
  article's discussion switches;
- `pagination`: the capped paginator that every list here uses.

Importing the modules registers their ModelAdmins. Nothing here changes a
status by itself: every action calls `comments.moderation`, which writes
the audit trail.
"""

from .appeals import AppealAdmin
from .configuration import ArticleDiscussionAdmin, ModerationSettingsAdmin, WordAdmin
from .notes import ModeratorNoteAdmin
from .pagination import CappedCountPaginator
from .queue import CommentAdmin
from .reports import ReportAdmin
from .sanctions import SanctionAdmin

__all__ = [
    "AppealAdmin",
    "ArticleDiscussionAdmin",
    "CappedCountPaginator",
    "CommentAdmin",
    "ModerationSettingsAdmin",
    "ModeratorNoteAdmin",
    "ReportAdmin",
    "SanctionAdmin",
    "WordAdmin",
]
