import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton

from . import conversation, drafts, moderation
from .discussion import comment_url
from .forms import AppealForm, CommentForm, EditCommentForm, ReportForm
from .models import Appeal, Comment, Rule, Status
from .timeliness import usual_wait

security_log = logging.getLogger("briefing.security")
# Seconds a cache may keep the latest number: the page polls every 30.
LATEST_MAX_AGE = 10


def _refusal(request, response, refusal: moderation.PostingRefused):
    """`response`, the form again, answering with the refusal's status."""
    security_log.warning(
        "refused %s %s for %s (%s): %s",
        request.method,
        request.path,
        request.user,
        refusal.status,
        refusal.message,
    )
    response.status_code = refusal.status
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _refuse(request, template, context, refusal: moderation.PostingRefused):
    """Show the form again with the refusal, keeping what the reader typed."""
    response = render(request, template, {**context, "refusal": refusal.message})
    return _refusal(request, response, refusal)


@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request, slug):
    """Post a comment or a reply under a published article.

    Success redirects to the new comment's anchor; a refused post stores
    nothing and shows the article again with the typed text and the reason
    (429 with Retry-After for the rate limit). GET is the address a failed
    post leaves in the address bar, reloaded or bookmarked: it leads to the
    discussion.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method != "POST":
        return redirect(f"{article.get_absolute_url()}#comments")
    if not request.user.is_authenticated:
        drafts.keep(request, article, request.POST)
        messages.info(
            request,
            _(
                "You were signed out. Sign in again: what you wrote will be back "
                "in the comment box."
            ),
        )
        return redirect_to_login(f"{article.get_absolute_url()}#comment-form")
    form = CommentForm(request.POST, article=article)
    context = {"article": article, "comment_form": form}
    if not form.is_valid():
        return render(request, "briefing/article_detail.html", context)
    try:
        comment = moderation.post_comment(
            author=request.user,
            article=article,
            body=form.cleaned_data["body"],
            reply_to=form.cleaned_data["reply_to"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except moderation.PostingRefused as refusal:
        form.refuse(refusal.message)
        response = render(request, "briefing/article_detail.html", context)
        return _refusal(request, response, refusal)
    except moderation.AlreadyPosted as repeat:
        messages.info(request, _("You had already posted this comment: here it is."))
        return redirect(comment_url(repeat.comment))
    _tell_status(request, comment)
    return redirect(comment_url(comment))


def _tell_status(request, comment: Comment, published: str = "") -> None:
    """Tell the author where their new or edited comment stands."""
    if comment.status == Status.PENDING:
        wait = usual_wait()
        messages.info(
            request,
            _(
                "Thank you. Your comment is awaiting moderation; only you can see "
                "it until a moderator approves it."
            )
            + (
                " " + _("Moderators usually decide within %(wait)s.") % {"wait": wait}
                if wait
                else ""
            )
            # An always-premoderated reader is told why (the sanction's words).
            + (
                f" {comment.moderation_reason}"
                if comment.rule == Rule.PREMODERATED_READER
                else ""
            ),
        )
    elif comment.status == Status.REJECTED:
        messages.warning(
            request,
            _("Your comment was rejected: %(reasons)s See the community guidelines.")
            % {"reasons": comment.statement_of_reasons()},
        )
    elif published:
        messages.success(request, published)


def permalink(request, pk):
    """Send the reader to the page and anchor where comment `pk` stands."""
    comment = get_object_or_404(
        Comment.objects.select_related("article"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    own = request.user.is_authenticated and comment.author_id == request.user.pk
    if not comment.is_public and not own:
        raise Http404("No such comment.")
    return redirect(comment_url(comment))


def _own_comment(request, pk) -> Comment:
    """The signed-in reader's own comment, or 404: ids of others' comments
    reveal nothing and allow nothing."""
    return get_object_or_404(
        Comment.objects.select_related("article", "author").exclude(
            status=Status.DELETED
        ),
        pk=pk,
        author=request.user,
    )


@login_required
def edit_comment(request, pk):
    """The author edits their comment within 15 minutes of posting it."""
    comment = _own_comment(request, pk)
    form = EditCommentForm(request.POST or None, instance=comment)
    context = {"comment": comment, "form": form}
    if not comment.is_editable:
        context["refusal"] = "The 15 minutes for editing this comment have passed."
        return render(request, "comments/edit.html", context, status=403)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: validating the form already wrote the new body
            # into `comment`, and the old one goes into the revision.
            edited = moderation.edit_comment(
                Comment.objects.select_related("article", "author").get(pk=comment.pk),
                form.cleaned_data["body"],
            )
        except moderation.PostingRefused as refusal:
            return _refuse(request, "comments/edit.html", context, refusal)
        _tell_status(request, edited, "Your comment was updated.")
        return redirect(comment_url(edited))
    return render(request, "comments/edit.html", context)


@login_required
def delete_comment(request, pk):
    """The author deletes their comment (GET asks to confirm, POST deletes)."""
    comment = _own_comment(request, pk)
    if request.method == "POST":
        moderation.delete_comment(comment)
        messages.success(request, _("Your comment was deleted."))
        # A comment nobody else saw leaves no placeholder to land on.
        if not comment.is_public:
            return redirect(f"{comment.article.get_absolute_url()}#comments")
        return redirect(comment_url(comment))
    return render(request, "comments/delete.html", {"comment": comment})


@login_required
def report_comment(request, pk):
    """Report someone else's published comment, once.

    A reader's own comment is not theirs to report (403); a comment others
    can't see cannot be reported at all (404).
    """
    comment = get_object_or_404(
        Comment.objects.published().select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    if not comment.is_reportable_by(request.user):
        context = {"comment": comment, "form": None}
        return _refuse(
            request, "comments/report.html", context, moderation.NotReportable()
        )
    form = ReportForm(request.POST or None)
    context = {"comment": comment, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report_comment(
                comment,
                request.user,
                form.cleaned_data["reason"],
                form.cleaned_data["details"],
            )
        except moderation.AlreadyReported:
            messages.info(request, _("You have already reported this comment."))
        except moderation.PostingRefused as refusal:
            return _refuse(request, "comments/report.html", context, refusal)
        else:
            messages.success(
                request, _("Thank you. The moderators will look at this comment.")
            )
        return redirect(comment_url(comment))
    return render(request, "comments/report.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_comment(request, pk):
    """The author appeals the rejection of their comment: GET shows the form
    (or, once appealed, where the appeal stands), POST files it (field
    `text`) and goes back to the comment.

    Another reader's comment is 404, as for editing. A comment that is not
    rejected, already appealed, or rejected more than 14 days ago is refused
    with the reason (403); an empty or too long text comes back with its
    error and the text kept.
    """
    comment = _own_comment(request, pk)
    appeal = Appeal.objects.filter(comment=comment).select_related("decided_by").first()
    form = AppealForm(request.POST if request.method == "POST" else None)
    context = {"comment": comment, "appeal": appeal, "form": form}
    refusal = moderation.appeal_refusal(comment, request.user)
    if refusal is not None:
        context["form"] = None
        if appeal is not None and request.method != "POST":
            return render(request, "comments/appeal.html", context)
        return _refuse(request, "comments/appeal.html", context, refusal)
    context["deadline"] = moderation.appeal_deadline(comment)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.file_appeal(comment, request.user, form.cleaned_data["text"])
        except moderation.AppealRefused as refusal:
            form.refuse(refusal.message)
            response = render(request, "comments/appeal.html", context)
            return _refusal(request, response, refusal)
        messages.success(
            request,
            _(
                "Your appeal was sent. A moderator will look at your comment again "
                "and you will be told what they decide."
            ),
        )
        return redirect(comment_url(comment))
    return render(request, "comments/appeal.html", context)


@require_safe
@cache_control(public=True, max_age=LATEST_MAX_AGE)
def latest_number(request, slug):
    """The last number of the article's discussion, for the page's script to
    learn of new comments: one statement, the same answer for every reader
    (so caches may keep it briefly), nothing per reader."""
    last = get_object_or_404(
        Article.objects.published()
        .filter(slug=slug)
        .annotate(
            last=Subquery(
                Comment.objects.visible()
                .filter(article=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1]
            )
        )
        .values_list("last", flat=True)
    )
    return JsonResponse({"last": last or 0})


def _wants_json(request) -> bool:
    """A fetch() from the page's script, which updates the page in place."""
    return request.headers.get("Accept", "").startswith("application/json")


def _wanted(request, field: str, yes: str, no: str) -> bool | None:
    """What a Respect or Ignore button asks for: True for `yes`, False for
    `no`, None (the opposite of what it is) when the form does not say, as
    pages rendered before the buttons said it. Saying it makes the POST safe
    to send twice (deploy/nginx/briefing-locations.conf resends POSTs)."""
    return {yes: True, no: False}.get(request.POST.get(field))


@login_required
@require_POST
def respect_comment(request, pk):
    """Give or take back the reader's Respect for someone else's published
    comment, as the form's `respect` says ("give" or "withdraw"); back to
    the comment, or JSON for the page's script.

    Not for one's own comment (403); a comment others can't see cannot be
    respected at all (404).
    """
    comment = get_object_or_404(
        Comment.objects.published().select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    try:
        respected = conversation.toggle_respect(
            comment, request.user, _wanted(request, "respect", "give", "withdraw")
        )
    except moderation.PostingRefused as refusal:
        if _wants_json(request):
            response = JsonResponse({"error": refusal.message}, status=refusal.status)
            if refusal.retry_after:
                response["Retry-After"] = str(refusal.retry_after)
            return response
        return _refuse(request, "comments/respect.html", {"comment": comment}, refusal)
    if _wants_json(request):
        return JsonResponse({"respected": respected, "respects": comment.respect_count})
    return redirect(comment_url(comment))


@login_required
@require_POST
def ignore_reader(request, username):
    """Ignore that reader (their comments fold for the signed-in reader), or
    stop ignoring them, as the form's `ignore` says ("start" or "stop");
    back to where the button was. Staff: 403."""
    other = get_object_or_404(
        User.objects.filter(is_active=True), username_key=skeleton(username)
    )
    try:
        ignoring = conversation.toggle_ignore(
            request.user, other, _wanted(request, "ignore", "start", "stop")
        )
    except moderation.PostingRefused as refusal:
        security_log.warning(
            "refused ignore of %r by %s: %s", other.username, request.user, refusal
        )
        return HttpResponseForbidden(refusal.message)
    if ignoring:
        messages.success(
            request,
            f"You ignore {other.username}: their comments are folded for you.",
        )
    else:
        messages.success(request, f"You no longer ignore {other.username}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = other.get_absolute_url()
    return redirect(back)
