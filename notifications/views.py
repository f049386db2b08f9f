from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .delivery import mark_read
from .forms import EmailSettingsForm
from .models import EmailPreference, Kind, Notification
from .tokens import read_unsubscribe_token

PAGE_SIZE = 30


@login_required
def notification_list(request):
    """The reader's notifications, newest first, each linking to what
    happened. Those on the page are marked read: seen here, never mailed."""
    page = Paginator(Notification.objects.for_reader(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    notifications = list(page)
    mark_read(request.user, notifications)
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "notifications": notifications},
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    """Which kinds of notification reach the reader by e-mail."""
    form = EmailSettingsForm(request.POST or None, reader=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


# The token is the authority, not a session: mail clients post RFC 8058's
# one-click unsubscribe without cookies, so there is no CSRF token to check.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm; POST (the button, or a mail client's one-click)
    switches that kind of e-mail off for the reader the token names."""
    try:
        reader_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("No such unsubscribe link.") from None
    if kind not in Kind.values:
        raise Http404("No such kind of e-mail.")
    reader = get_object_or_404(get_user_model(), pk=reader_id, is_active=True)
    context = {"kind": Kind(kind).label}
    if request.method == "POST":
        EmailPreference.objects.choose(reader, kind, False)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
