"""The discussion as a page shows it: numbered, paginated, oldest first."""

from django.core.paginator import Paginator

from .forms import CommentForm
from .models import Comment, ModerationSettings, Status
from .moderation import closed_reason

COMMENTS_PER_PAGE = 50


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


class Discussion:
    """What the discussion under an article shows to the reader `user`."""

    def __init__(self, article, user, page_number, *, form=None, reply_to=None):
        self.article = article
        self.moderation = ModerationSettings.current()
        self.closed_reason = closed_reason(article, self.moderation)
        comments = (
            article.comments.visible()
            .in_discussion_order()
            .select_related("author", "reply_to__author")
        )
        self.page = Paginator(comments, COMMENTS_PER_PAGE).get_page(page_number)
        self.user = user
        self.own_unpublished = []
        self.form = None
        if user.is_authenticated:
            self.own_unpublished = list(
                article.comments.filter(
                    author=user, status__in=[Status.PENDING, Status.REJECTED]
                ).select_related("author", "reply_to__author")
            )
            if not self.closed_reason:
                self.form = form or CommentForm(
                    article=article, initial={"reply_to": reply_to}
                )

    def numbered_comments(self):
        """(number, comment, reply link) for the page; numbers run on across
        pages, and a reply links within the page when it can."""
        on_page = {comment.pk for comment in self.page.object_list}
        for number, comment in enumerate(
            self.page.object_list, start=self.page.start_index()
        ):
            reply_link = None
            if comment.reply_to_id in on_page:
                reply_link = f"#comment-{comment.reply_to_id}"
            yield number, comment, reply_link
