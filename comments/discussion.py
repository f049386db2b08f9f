"""The discussion as a page shows it: numbered, paginated, in the order the
reader chose (oldest first unless they chose otherwise)."""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from briefing.shared_pages import SORT_COOKIE, SORT_PARAMETER

from . import removals, surge
from .comment_items import appeal_link_text
from .forms import CommentForm
from .models import (
    Appeal,
    ArticleVisit,
    Comment,
    Ignore,
    ModerationSettings,
    RemovalReason,
    Respect,
    Rule,
    Status,
)
from .moderation import closed_reason, leaving_reason, posting_sanction
from .rendering import bidi_isolated, format_body, shown_time

COMMENTS_PER_PAGE = 50
# The orders a reader may read the discussion in; numbers stay the
# oldest-first ones under each.
SORTS = {
    "oldest": gettext_lazy("Oldest first"),
    "newest": gettext_lazy("Newest first"),
    "respected": gettext_lazy("Most respected"),
}
DEFAULT_SORT = "oldest"
# Beyond any discussion, and small enough for every database's integers.
MAX_PAGE = 10_000_000


def comment_url(comment: Comment) -> str:
    """The article page holding `comment`, with its anchor.

    Numbers never change, so a comment's page follows from its number. A
    comment others cannot see (the author's own pending or rejected one) is
    shown to its author above the form, on every page: the first page will do.
    """
    article_url = comment.article.get_absolute_url()
    if comment.number is not None:
        page = (comment.number - 1) // COMMENTS_PER_PAGE + 1
        if page > 1:
            article_url = f"{article_url}?page={page}"
    return f"{article_url}#{comment.anchor}"


@dataclass(slots=True)
class ShownComment:
    """One comment with what the page prints about it, worked out once in
    Python rather than by template filters and lookups per comment."""

    comment: Comment
    pk: int
    number: int | None
    status: str
    # What stands in the place of a removed comment; "" when it is shown.
    placeholder: str = ""
    username: str = ""
    profile_url: str = ""
    name: str = ""
    online: bool = False
    iso_time: str = ""
    local_time: str = ""
    # Where "In reply to" points, and what it names; "" when it is no reply.
    reply_state: str = ""
    reply_url: str = ""
    reply_name: str = ""
    body: str = ""
    respects: int = 0
    # Whether the reader respects it, and whether they may (not their own).
    respected: bool = False
    can_respect: bool = False
    # Written by a reader the reader ignores: folded.
    ignored: bool = False
    # Published since the reader's previous visit.
    new: bool = False
    # The author's appeal against its rejection, where the page read it,
    # and their link to it.
    appeal_state: str = ""
    appeal_url: str = ""
    appeal_text: str = ""
    # The signed-in reader's links about it ("" for anonymous readers).
    respect_url: str = ""
    edit_url: str = ""
    delete_url: str = ""
    report_url: str = ""


# A comment's id no comment has, to reverse a URL with once per list.
_ID_MARK = 987654321987654321


def _comment_url_maker(name: str):
    """`reverse(name, args=[pk])` for every `pk`, from one `reverse()`: a
    comment's URLs differ only in its id, and a page of 50 comments would
    otherwise reverse a hundred of them (the template's `{% url %}`)."""
    prefix, suffix = reverse(name, args=[_ID_MARK]).split(str(_ID_MARK))
    return lambda pk: f"{prefix}{pk}{suffix}"


def placeholder(comment: Comment) -> str:
    """What others see in the place of a numbered comment that is no longer
    shown: who removed it and why, never its text."""
    if comment.status == Status.DELETED:
        if comment.rule == Rule.ACCOUNT_ERASED:
            return _("This comment was removed with its author's account.")
        return _("This comment was deleted by its author.")
    if comment.status == Status.PENDING:
        return _("This comment is held for review.")
    if comment.rule in ("", Rule.BAN):
        if comment.removal_reason not in ("", RemovalReason.OTHER):
            reason = RemovalReason(comment.removal_reason).label
            return _("This comment was removed by a moderator: %(reason)s.") % {
                "reason": reason
            }
        return _("This comment was removed by a moderator.")
    return _("This comment was removed automatically: %(rule)s.") % {
        "rule": Rule(comment.rule).label
    }


def shown_comments(
    comments, *, reader=None, seen_number: int | None = None
) -> list[ShownComment]:
    """`comments` ready to print; a reply links within the list when it can,
    else to the permalink. Removed comments become placeholders, except to
    their author, who sees their own comment and where it stands. Others'
    comments numbered after `seen_number` are new to the reader."""
    comments = list(comments)
    listed = {comment.pk for comment in comments}
    reader_pk = reader.pk if reader is not None else None
    if reader_pk is not None and comments:
        links = [
            _comment_url_maker(f"comments:{name}")
            for name in ("respect", "edit", "delete", "report", "appeal")
        ]
    profile_urls = {}
    shown = []
    for comment in comments:
        item = ShownComment(
            comment=comment,
            pk=comment.pk,
            number=comment.number,
            status=comment.status,
        )
        shown.append(item)
        if comment.status != Status.PUBLISHED and (
            comment.status == Status.DELETED or comment.author_id != reader_pk
        ):
            item.placeholder = placeholder(comment)
            continue
        author = comment.author
        item.username = author.username
        # One reverse() an author, not one a comment.
        if (profile_url := profile_urls.get(author.pk)) is None:
            profile_url = profile_urls[author.pk] = author.get_absolute_url()
        item.profile_url = profile_url
        item.name = bidi_isolated(author.get_short_name())
        item.online = author.is_online
        item.iso_time, item.local_time = shown_time(comment.created_at)
        item.body = format_body(comment.body)
        item.respects = comment.respect_count
        item.appeal_state = getattr(comment, "appeal_state", None) or ""
        if reader_pk is not None:
            (
                item.respect_url,
                item.edit_url,
                item.delete_url,
                item.report_url,
                item.appeal_url,
            ) = (link(comment.pk) for link in links)
        if comment.status == Status.REJECTED:
            item.appeal_text = appeal_link_text(item.appeal_state)
        if comment.status == Status.PUBLISHED and reader_pk is not None:
            item.respected = getattr(comment, "respected", False)
            item.can_respect = comment.author_id != reader_pk
            item.ignored = getattr(comment, "author_ignored", False)
            item.new = (
                seen_number is not None
                and comment.number is not None
                and comment.number > seen_number
                and comment.author_id != reader_pk
            )
        if comment.reply_to_id:
            # What `with_answered()` read of the comment it answers.
            answered = Comment(
                pk=comment.reply_to_id,
                status=comment.answered_status,
                number=comment.answered_number,
            )
            item.reply_state = answered.status
            if comment.reply_to_id in listed:
                item.reply_url = f"#{answered.anchor}"
            else:
                item.reply_url = answered.get_absolute_url()
            if answered.status == Status.PUBLISHED:
                item.reply_name = comment.answered_username
            elif answered.number is not None:
                item.reply_name = (
                    _("a deleted comment")
                    if answered.status == Status.DELETED
                    else _("a removed comment")
                )
            else:
                item.reply_url = ""
    return shown


def chosen_sort(request: HttpRequest) -> str:
    """The order the reader reads the discussion in: `?sort=`, else the one
    they chose last time (a cookie), else oldest first.

    A link to a page without `sort` (`comment_url`, "see comment 7") is to the
    oldest-first page, where that comment stands, whatever the reader chose.
    """
    sort = request.GET.get(SORT_PARAMETER)
    if sort is None and "page" not in request.GET:
        sort = request.COOKIES.get(SORT_COOKIE)
    return sort if sort in SORTS else DEFAULT_SORT


def remember_sort(get_response):
    """Keep the order a reader picked on an article page for their next
    visits, in a cookie: it varies the shared page's key, not the session,
    so anonymous pages stay shared (briefing.shared_pages)."""

    def middleware(request):
        response = get_response(request)
        sort = request.GET.get(SORT_PARAMETER)
        match = request.resolver_match
        if (
            sort in SORTS
            and sort != request.COOKIES.get(SORT_COOKIE)
            and match is not None
            and match.view_name == "briefing:article"
            and response.status_code == 200
        ):
            response.set_cookie(
                SORT_COOKIE,
                sort,
                max_age=365 * 24 * 3600,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware


def _page_number(requested) -> int:
    """The page a `?page=` asks for, as Django's `Paginator.get_page` reads
    it (the front page's): what is no number is the first page, a number out
    of range (0, -1, 99) the last."""
    try:
        number = int(requested)
    except (TypeError, ValueError):
        return 1
    return MAX_PAGE if number < 1 else min(number, MAX_PAGE)


class Discussion:
    """What the discussion under an article shows to the reader `user`.

    Anonymous readers share whole article pages from the cache: see
    `briefing.views.ArticleView`.
    """

    def __init__(
        self,
        article,
        user,
        page_number,
        *,
        sort=DEFAULT_SORT,
        form=None,
        reply_to=None,
    ):
        self.article = article
        self.sort = sort
        self.moderation = ModerationSettings.current()
        self.closed_reason = leaving_reason(user) or closed_reason(
            article, self.moderation
        )
        self.user = user
        # A surge slowed the discussion down (comments.surge): until when.
        self.slow_mode_until = article.slow_mode_until
        self.slow_mode_interval = surge.interval_words(self.moderation)
        self.own_unpublished = []
        self.sanction = None
        self.form = None
        self.seen_number = None
        self.first_new_url = ""
        self.page = self._page(_page_number(page_number))
        self._note_visit()
        # Read with the page (`_rows`).
        self.featured = shown_comments(self.featured_rows, reader=user)
        if user.is_authenticated:
            self.own_unpublished = shown_comments(
                article.comments.unpublished_by(user)
                .filter(number__isnull=True)
                .order_by("created_at", "id")
                .select_related("author")
                .with_answered()
                .annotate(appeal_state=F("appeal__state")),
                reader=user,
            )
            self.sanction = posting_sanction(user)
            # A refused post comes back with its form, so the text is kept.
            if not self.closed_reason and (self.sanction is None or form):
                self.form = form or CommentForm(
                    article=article, initial={"reply_to": reply_to}
                )

    @property
    def sort_query(self) -> str:
        """What links to other pages of this order add to their query."""
        return "" if self.sort == DEFAULT_SORT else f"{SORT_PARAMETER}={self.sort}&"

    @property
    def reply_query(self) -> str | None:
        """What a Reply link's query holds before `reply_to=`, so that the
        reader stays on this page and order; None where they may not post."""
        if self.form is None:
            return None
        if self.page.number > 1:
            return f"{self.sort_query}page={self.page.number}&"
        return self.sort_query

    def sorts(self) -> list[tuple[str, str]]:
        return list(SORTS.items())

    def _rows(self, comments, number: int, last_number):
        """Page `number`'s comments in the reader's order, and the article's
        featured ones, in one statement, each carrying the discussion's last
        number and whether it is on the page (`on_page`). Numbers run without
        gaps, so oldest and newest first read a range of numbers; most
        respected reads the index `comment_by_respect` in order."""
        start, end = (number - 1) * COMMENTS_PER_PAGE, number * COMMENTS_PER_PAGE
        comments = comments.annotate(last_number=last_number)
        if self.sort == "newest":
            on_page = Q(
                number__gt=F("last_number") - end, number__lte=F("last_number") - start
            )
            order = ["-number"]
        elif self.sort == "respected":
            # The page's ids alone, read off the index; then its rows.
            page_ids = (
                self.article.comments.visible()
                .order_by("-respect_count", "number")
                .values("pk")[start:end]
            )
            on_page = Q(pk__in=Subquery(page_ids))
            order = ["-respect_count", "number"]
        else:
            on_page = Q(number__gt=start, number__lte=end)
            order = ["number"]
        return (
            comments.annotate(on_page=ExpressionWrapper(on_page, BooleanField()))
            .filter(on_page | Q(featured_at__isnull=False, status=Status.PUBLISHED))
            .order_by(*order)
        )

    def _page(self, number: int) -> Page:
        """Page `number` of the discussion (the last one if there are fewer),
        read in one statement; the last number is the count."""
        comments = self.article.comments.visible()
        last_number = Subquery(
            comments.order_by("-number").values("number")[:1],
            output_field=IntegerField(),
        )
        read = list(
            self._rows(
                comments.annotate(**self._reader_annotations())
                .select_related("author")
                .with_answered(),
                number,
                last_number,
            )
        )
        self.featured_rows = sorted(
            (
                row
                for row in read
                if row.featured_at is not None and row.status == Status.PUBLISHED
            ),
            key=lambda row: row.featured_at,
        )
        rows = [row for row in read if row.on_page]
        paginator = Paginator(comments.in_discussion_order(), COMMENTS_PER_PAGE)
        if rows:
            paginator.count = rows[0].last_number
            return Page(rows, number, paginator)
        # Past the end (or no comment yet): the last page, as Paginator.get_page.
        paginator.count = comments.aggregate(last=Max("number"))["last"] or 0
        if number > 1 and paginator.count:
            return self._page(paginator.num_pages)
        return Page([], 1, paginator)

    @cached_property
    def moderation_note(self) -> str:
        """What moderators and rules removed here, counted by reason."""
        return removals.moderation_note(self.article.pk)

    def _note_visit(self) -> None:
        """Work out what is new to a signed-in reader since their previous
        visit (read with the page) and note this one, throttled
        (`ArticleVisit.objects.record`). A first visit marks nothing."""
        rows = self.page.object_list
        if not self.user.is_authenticated or not rows:
            return
        first = rows[0]
        previous = None
        if first.visit_pk is not None:
            previous = ArticleVisit(
                pk=first.visit_pk,
                last_number=first.visit_last_number,
                visited_at=first.visit_at,
            )
            self.seen_number = previous.last_number
            if first.first_new_pk is not None:
                self.first_new_url = next(
                    (
                        f"#comment-{row.pk}"
                        for row in rows
                        if row.pk == first.first_new_pk
                    ),
                    reverse("comments:permalink", args=[first.first_new_pk])
                    + f"#comment-{first.first_new_pk}",
                )
        ArticleVisit.objects.record(
            self.user, self.article, self.page.paginator.count, previous
        )

    def _reader_annotations(self) -> dict:
        """What the page shows of the signed-in reader's own doings, and what
        is new to them since their previous visit, read with the page itself
        rather than by a statement each."""
        if not self.user.is_authenticated:
            return {}
        doings = {
            "respected": Exists(
                Respect.objects.filter(comment=OuterRef("pk"), reader=self.user)
            ),
            "author_ignored": Exists(
                Ignore.objects.filter(ignorer=self.user, ignored=OuterRef("author"))
            ),
            # Read for the reader's own rejected comments only.
            "appeal_state": Case(
                When(
                    author=self.user,
                    status=Status.REJECTED,
                    then=Subquery(
                        Appeal.objects.filter(comment=OuterRef("pk")).values("state")[
                            :1
                        ]
                    ),
                ),
                default=Value(""),
                output_field=CharField(),
            ),
        }
        visit = ArticleVisit.objects.filter(
            reader=self.user, article=self.article
        ).order_by()
        return {
            **doings,
            "visit_pk": Subquery(visit.values("pk")[:1]),
            "visit_last_number": Subquery(visit.values("last_number")[:1]),
            "visit_at": Subquery(visit.values("visited_at")[:1]),
            "first_new_pk": Subquery(
                self.article.comments.visible()
                .published()
                .exclude(author=self.user)
                .filter(number__gt=Subquery(visit.values("last_number")[:1]))
                .order_by("number")
                .values("pk")[:1]
            ),
        }

    def numbered_comments(self) -> list[ShownComment]:
        """The page's comments, under the numbers they were published with."""
        return shown_comments(
            self.page.object_list, reader=self.user, seen_number=self.seen_number
        )
