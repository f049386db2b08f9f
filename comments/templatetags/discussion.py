from django import template
from django.core.paginator import Paginator
from django.db.models import Count, F

from .. import drafts
from ..comment_items import appeal_link_text, render_comment_items
from ..discussion import Discussion, chosen_sort
from ..models import Comment, Ignore
from ..rendering import bidi_isolated, format_body

register = template.Library()

PROFILE_COMMENTS_PER_PAGE = 20


register.filter(bidi_isolated)
register.filter(appeal_link_text)


@register.simple_tag(takes_context=True)
def comment_items(context, comments, reply_query=None):
    """Each of `comments` (ShownComment) as an <li> (comments.comment_items)."""
    return render_comment_items(
        comments, request=context["request"], reply_query=reply_query
    )


@register.filter
def comment_body(body: str):
    """A reader's plain text as safe HTML: escaped, links marked ugc."""
    return format_body(body)


def _comment_id(value: str) -> int | None:
    """A comment id from a "Reply" link, or None: nothing else is echoed back."""
    return int(value) if value.isascii() and value.isdigit() else None


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, article):
    """The discussion under `article`, as the current reader sees it."""
    request = context["request"]
    return {
        "discussion": Discussion(
            article,
            request.user,
            request.GET.get("page"),
            sort=chosen_sort(request),
            form=context.get("comment_form") or drafts.restored_form(request, article),
            reply_to=_comment_id(request.GET.get("reply_to", "")),
        ),
        "request": request,
        "refusal": context.get("refusal", ""),
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }


@register.inclusion_tag("comments/_profile_comments.html", takes_context=True)
def profile_comments(context, reader):
    """A reader's published comments; their own pending and rejected ones too
    when they look at their own profile."""
    request = context["request"]
    comments = (
        Comment.objects.published()
        .filter(author=reader)
        .select_related("article")
        .order_by("-created_at", "-id")
    )
    page = Paginator(comments, PROFILE_COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    own_unpublished = []
    if request.user == reader:
        own_unpublished = (
            Comment.objects.unpublished_by(reader)
            .select_related("article")
            .annotate(appeal_state=F("appeal__state"))
            .order_by("-created_at")
        )
    return {"page": page, "own_unpublished": own_unpublished, "reader": reader}


@register.simple_tag
def annotate_comment_counts(articles) -> str:
    """Give each article of `articles` its `published_comment_count`, in one query."""
    articles = list(articles)
    counts = dict(
        Comment.objects.published()
        .filter(article__in=[article.pk for article in articles])
        .values_list("article")
        .annotate(total=Count("pk"))
        .values_list("article", "total")
    )
    for article in articles:
        article.published_comment_count = counts.get(article.pk, 0)
    return ""


@register.inclusion_tag("comments/_ignore_button.html", takes_context=True)
def ignore_button(context, other):
    """On a profile: the signed-in reader's button to ignore `other`, or to
    stop; nothing for their own profile or a member of staff."""
    user = context["request"].user
    shown = user.is_authenticated and user.pk != other.pk and not other.is_staff
    return {
        "shown": shown,
        "other": other,
        "ignoring": shown and Ignore.objects.ignores(user, other),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("comments/_ignored_readers.html", takes_context=True)
def ignored_readers(context):
    """In the account settings: the readers the signed-in reader ignores,
    each with a button to stop."""
    request = context["request"]
    return {
        "ignores": Ignore.objects.filter(ignorer=request.user).select_related(
            "ignored"
        ),
        "back": request.path,
        "csrf_token": context.get("csrf_token"),
    }
