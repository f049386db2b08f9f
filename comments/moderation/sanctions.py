"""Moderators' sanctions on a reader (ban, suspension, premoderation) and
their notes on one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefing.accounts.models import User

from ..models import (
    NOTE_MAX_LENGTH,
    Comment,
    ModeratorNote,
    Rule,
    Sanction,
    Status,
)
from .rules import (
    security_log,
)
from .status import (
    change_status_of_all,
    reject,
)


def sanction_reader(
    reader: User,
    moderator: User,
    *,
    kind: str,
    reason: str,
    until=None,
    reject_comments: bool = False,
) -> Sanction:
    """Record a sanction; a ban may also reject everything the reader wrote."""
    if reject_comments and kind != Sanction.Kind.BAN:
        raise ValidationError(
            {"reject_comments": _("Only a ban rejects the reader's comments.")}
        )
    sanction = Sanction(
        reader=reader, kind=kind, reason=reason, until=until, created_by=moderator
    )
    sanction.clean()
    with transaction.atomic():
        sanction.save(force_insert=True)
        security_log.info(
            "sanction %s of %s by %s until %s: %s",
            kind,
            reader,
            moderator,
            until or "lifted",
            reason,
        )
        if reject_comments:
            change_status_of_all(
                Comment.objects.filter(
                    author=reader, status__in=[Status.PENDING, Status.PUBLISHED]
                ),
                Status.REJECTED,
                actor=moderator,
                rule=Rule.BAN,
                reason=f"Author banned: {reason}",
            )
    return sanction


def amend_sanction(sanction: Sanction, moderator: User, changed: list[str]) -> None:
    """Save a moderator's change to a sanction (its end, reason, or lifting)."""
    sanction.save()
    security_log.info(
        "sanction %s %s of %s changed by %s (%s): until %s, lifted %s",
        sanction.pk,
        sanction.kind,
        sanction.reader,
        moderator,
        ", ".join(changed) or "nothing",
        sanction.until,
        sanction.lifted_at,
    )


def lift_sanction(sanction: Sanction, moderator: User) -> bool:
    """End a sanction now. False when it had already ended."""
    if not sanction.in_force:
        return False
    sanction.lifted_at = timezone.now()
    amend_sanction(sanction, moderator, ["lifted_at"])
    return True


def reject_and_ban(
    comments, moderator: User, *, reason: str, until=None, reject_all: bool = False
) -> tuple[int, int]:
    """Reject `comments` and ban their authors for `reason`, until `until`
    (None: until a moderator lifts it); `reject_all` rejects the rest of
    what they wrote too.

    An author already banned is not banned a second time, unless the ban is
    what rejects the rest of their comments. Returns how many comments were
    rejected and how many authors banned.
    """
    authors = {}
    rejected = 0
    for comment in comments:
        rejected += reject(comment, moderator, reason)
        authors[comment.author_id] = comment.author
    already_banned = set(
        Sanction.objects.active()
        .filter(reader__in=authors, kind=Sanction.Kind.BAN)
        .values_list("reader_id", flat=True)
    )
    banned = 0
    for author_id, author in authors.items():
        if author_id in already_banned and not reject_all:
            continue
        sanction_reader(
            author,
            moderator,
            kind=Sanction.Kind.BAN,
            reason=reason,
            until=until,
            reject_comments=reject_all,
        )
        banned += 1
    return rejected, banned


def note_reader(reader: User, moderator: User, text: str) -> ModeratorNote:
    """Keep a moderator's note on `reader` for the other moderators; the
    security log records who wrote it (the text stays in the admin)."""
    note = ModeratorNote.objects.create(
        reader=reader, author=moderator, text=text[:NOTE_MAX_LENGTH]
    )
    security_log.info("reader %s noted by %s (note %s)", reader.pk, moderator, note.pk)
    return note
