"""The rules a new or edited comment meets: who may post where, which words,
links, repeats and readers hold or reject it, and why (`evaluate`)."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from briefing.models import Article
from briefing.text import skeleton, without_invisible

from ..models import (
    SINGLE_WORD,
    Comment,
    ModerationSettings,
    Rule,
    Sanction,
    Status,
    Word,
)
from ..rendering import count_links

security_log = logging.getLogger("briefing.security")

REASON_MAX_LENGTH = Comment._meta.get_field("moderation_reason").max_length


class PostingRefused(Exception):
    """The reader may not do this now; `message` tells them why."""

    def __init__(self, message: str, *, status: int = 403, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str = ""
    reason: str = ""


def closed_reason(article: Article, moderation: ModerationSettings) -> str:
    """Why nobody can post under `article` now, or "" when they can."""
    if moderation.comments_paused:
        return _("Commenting is paused across the site for now.")
    if not article.comments_open:
        return _("Comments on this article are closed.")
    closes = article.comments_close_time(moderation.auto_close_days)
    if closes is not None and timezone.now() >= closes:
        return _("Comments on this article closed on %(date)s.") % {
            "date": dateformat.format(timezone.localtime(closes), "d E Y")
        }
    return ""


def leaving_reason(reader) -> str:
    """Why `reader` may not write now because they are deleting their
    account, or "" when they may."""
    if reader.is_authenticated and reader.deletion_pending:
        return _(
            "Your account is being deleted, so you can no longer post. "
            "Cancel the deletion to join the discussion again."
        )
    return ""


# The same reader's same text within this time is a repeat, not a new comment.
REPEAT_WINDOW = timedelta(minutes=10)

# The same text from this many readers within REPEAT_WINDOW is a likely
# campaign (copied talking points, a brigade), held for a moderator.
CAMPAIGN_READERS = 3

# A reader whose recent decided (published or rejected) comments were often
# rejected waits for a moderator until the share falls.
REJECTION_RATE_WINDOW = timedelta(days=7)

REJECTION_RATE_MIN_DECIDED = 5

REJECTION_RATE_LIMIT = 0.3


def rejection_rate_holds(decided: int, rejected: int) -> bool:
    """Whether a reader with `decided` comments decided within
    REJECTION_RATE_WINDOW, `rejected` of them rejected, is premoderated."""
    return (
        decided >= REJECTION_RATE_MIN_DECIDED
        and rejected >= REJECTION_RATE_LIMIT * decided
    )


class AlreadyPosted(Exception):
    """The reader sent a text they posted under the same article moments
    ago (Back, then Post): nothing new is stored; `comment` is the first."""

    def __init__(self, comment: Comment):
        super().__init__(comment)
        self.comment = comment


def listed_words(text: str) -> list[tuple[str, str]]:
    """The (word, action) pairs of the word lists that `text` contains.

    Words match whole, ignoring case and look-alike letters; letters spaced
    apart ("i d i o t", "i.d.i.o.t") are read as the word they spell.
    """
    lists = Word.lists()
    if not lists:
        return []
    tokens = SINGLE_WORD.findall(skeleton(without_invisible(text)))
    candidates = set(tokens)
    longest = max(map(len, lists))
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + longest) + 1):
                candidates.add("".join(run[start:end]))
        run = []
    return sorted(lists[candidate] for candidate in candidates & lists.keys())


def evaluate(
    body: str,
    article: Article,
    moderation: ModerationSettings,
    *,
    approved_comments: int,
    sanctions: list[Sanction],
    other_readers_same_text: int = 0,
    recently_decided: int = 0,
    recently_rejected: int = 0,
    slow_mode: bool = False,
) -> Decision:
    """Decide where a new or edited comment goes, and which rule said so.

    `other_readers_same_text`: how many other readers posted the same text
    (`text_fingerprint`) within REPEAT_WINDOW; `recently_decided` and
    `recently_rejected`: the reader's comments published or rejected, and
    rejected, among those written within REJECTION_RATE_WINDOW; `slow_mode`:
    a surge slowed the article's discussion down (`comments.surge`).
    """
    words = listed_words(body)
    banned = [word for word, action in words if action == Word.Action.BANNED]
    if banned:
        return Decision(
            Status.REJECTED,
            Rule.BANNED_WORD,
            _("Banned word: %(words)s") % {"words": ", ".join(banned)},
        )
    for sanction in sanctions:
        if sanction.kind == Sanction.Kind.PREMODERATION:
            return Decision(
                Status.PENDING, Rule.PREMODERATED_READER, sanction.explanation()
            )
    if rejection_rate_holds(recently_decided, recently_rejected):
        return Decision(
            Status.PENDING,
            Rule.REJECTION_RATE,
            _(
                "%(rejected)d of the reader's %(decided)d decided comments of the "
                "last %(days)d days were rejected"
            )
            % {
                "rejected": recently_rejected,
                "decided": recently_decided,
                "days": REJECTION_RATE_WINDOW.days,
            },
        )
    if other_readers_same_text + 1 >= CAMPAIGN_READERS:
        return Decision(
            Status.PENDING,
            Rule.CAMPAIGN,
            _(
                "The same text from %(readers)d readers within %(minutes)d "
                "minutes: a likely campaign"
            )
            % {
                "readers": other_readers_same_text + 1,
                "minutes": REPEAT_WINDOW.seconds // 60,
            },
        )
    suspect = [word for word, action in words if action == Word.Action.SUSPECT]
    if suspect:
        return Decision(
            Status.PENDING,
            Rule.SUSPECT_WORD,
            _("Suspect word: %(words)s") % {"words": ", ".join(suspect)},
        )
    links = count_links(body)
    if links > moderation.max_links:
        return Decision(
            Status.PENDING,
            Rule.LINKS,
            _("%(links)d links (more than %(max)d)")
            % {"links": links, "max": moderation.max_links},
        )
    if article.premoderated:
        return Decision(
            Status.PENDING,
            Rule.ARTICLE_PREMODERATION,
            _("The article is premoderated"),
        )
    if slow_mode and not approved_comments:
        return Decision(
            Status.PENDING,
            Rule.SLOW_MODE,
            _(
                "The discussion is in slow mode: a reader's first comment waits "
                "for a moderator"
            ),
        )
    if approved_comments < moderation.new_reader_premoderation:
        return Decision(
            Status.PENDING,
            Rule.NEW_READER,
            _(
                "The reader has %(approved)d approved comments (first %(first)d "
                "are premoderated)"
            )
            % {
                "approved": approved_comments,
                "first": moderation.new_reader_premoderation,
            },
        )
    return Decision(Status.PUBLISHED)
