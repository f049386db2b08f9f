"""The discussion as a page shows it: numbered, paginated, oldest first."""

from dataclasses import dataclass
from urllib.parse import quote

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from .forms import CommentForm
from .models import Comment, ModerationSettings, Status
from .moderation import closed_reason, leaving_reason
from .rendering import bidi_isolated, format_body

COMMENTS_PER_PAGE = 50
# What Django's reverse() leaves unquoted in a path segment (RFC 3986 pchar).
_PATH_SAFE = "!$&'()*+,;=" + "/~:@"
# Stands for the argument in the one reverse(): digits fit <int:> and <str:>.
_PLACEHOLDER = "9081726354"


def comment_url(comment: Comment) -> str:
    """The article page holding `comment`, with its anchor.

    A comment others cannot see (the author's own pending or rejected one) is
    shown to its author above the form, on every page: the first page will do.
    """
    article_url = comment.article.get_absolute_url()
    if comment.status in (Status.PUBLISHED, Status.DELETED):
        earlier = (
            Comment.objects.visible()
            .filter(article_id=comment.article_id, created_at__lte=comment.created_at)
            .exclude(created_at=comment.created_at, id__gt=comment.id)
            .count()
        )
        page = (earlier - 1) // COMMENTS_PER_PAGE + 1
        if page > 1:
            article_url = f"{article_url}?page={page}"
    return f"{article_url}#{comment.anchor}"


class _Urls:
    """URLs of one kind for many objects from a single reverse(): a page of 50
    comments would otherwise resolve 50 profile URLs one by one (issue 7).

    The argument is quoted as reverse() quotes it, so the URL is the same.
    """

    def __init__(self, name: str):
        self.before, _, self.after = reverse(name, args=[_PLACEHOLDER]).rpartition(
            _PLACEHOLDER
        )

    def __call__(self, argument) -> str:
        return f"{self.before}{quote(str(argument), safe=_PATH_SAFE)}{self.after}"


@dataclass(slots=True)
class ShownComment:
    """One comment with what the page prints about it, worked out once in
    Python rather than by template filters and lookups (issue 7)."""

    comment: Comment
    pk: int
    number: int | None
    status: str
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


def shown_comments(comments, *, start: int | None = None) -> list[ShownComment]:
    """`comments` ready to print, numbered from `start` (or not numbered);
    a reply links within the list when it can, else to the permalink."""
    comments = list(comments)
    profile_url = _Urls("accounts:profile")
    permalink = _Urls("comments:permalink")
    listed = {comment.pk for comment in comments}
    shown = []
    for index, comment in enumerate(comments):
        item = ShownComment(
            comment=comment,
            pk=comment.pk,
            number=None if start is None else start + index,
            status=comment.status,
        )
        shown.append(item)
        if comment.status == Status.DELETED:
            continue
        author = comment.author
        item.username = author.username
        item.profile_url = profile_url(author.username)
        item.name = bidi_isolated(author.display_name or author.username)
        item.online = author.is_online
        local = timezone.localtime(comment.created_at)
        # The formats of the date filter's "Y-m-d\TH:i:sO" and "j F Y H:i".
        item.iso_time = f"{local:%Y-%m-%dT%H:%M:%S%z}"
        item.local_time = f"{local.day} {local:%B %Y %H:%M}"
        item.body = format_body(comment.body)
        if comment.reply_to_id:
            answered = comment.reply_to
            item.reply_state = answered.status
            if comment.reply_to_id in listed:
                item.reply_url = f"#{answered.anchor}"
            else:
                item.reply_url = f"{permalink(answered.pk)}#{answered.anchor}"
            if answered.status == Status.PUBLISHED:
                item.reply_name = answered.author.username
    return shown


class Discussion:
    """What the discussion under an article shows to the reader `user`.

    Anonymous readers share whole article pages from the cache: see
    `briefing.views.ArticleView`.
    """

    def __init__(self, article, user, page_number, *, form=None, reply_to=None):
        self.article = article
        self.moderation = ModerationSettings.current()
        self.closed_reason = leaving_reason(user) or closed_reason(
            article, self.moderation
        )
        self.user = user
        self.own_unpublished = []
        self.form = None
        self.page = self._paginator().get_page(page_number)
        if user.is_authenticated:
            self.own_unpublished = shown_comments(
                article.comments.filter(
                    author=user, status__in=[Status.PENDING, Status.REJECTED]
                ).select_related("author", "reply_to__author")
            )
            if not self.closed_reason:
                self.form = form or CommentForm(
                    article=article, initial={"reply_to": reply_to}
                )

    def _paginator(self) -> Paginator:
        comments = (
            self.article.comments.visible()
            .in_discussion_order()
            .select_related("author", "reply_to__author")
        )
        return Paginator(comments, COMMENTS_PER_PAGE)

    def numbered_comments(self) -> list[ShownComment]:
        """The page's comments; numbers run on across pages."""
        return shown_comments(self.page.object_list, start=self.page.start_index())
