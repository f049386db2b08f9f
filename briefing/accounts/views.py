from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, UpdateView

from briefing import shared_pages
from briefing.text import skeleton

from . import erasure, throttle
from .adapter import USERNAME_TAKEN
from .antiautomation import SignUpLimit
from .export import ExportLimitReached, export_account
from .forms import AccountForm, DeleteAccountForm
from .models import User


def _refused(view, form, refusal: throttle.Refusal):
    """The form again with the refusal, as 429 with Retry-After."""
    form.errors[NON_FIELD_ERRORS] = form.error_class(
        [refusal.message], error_class="nonfield"
    )
    response = view.render_to_response(view.get_context_data(form=form), status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


class SignUpView(SignUpLimit, allauth_views.SignupView):
    """allauth's sign-up: creates the reader, mails one verification link,
    signs them in and sends them back to `next` when it points at this site."""

    def form_valid(self, form):
        if refused := self.refused(form):
            return refused
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            # Two sign-ups raced for the same (or a look-alike) username; the
            # adapter's check saw neither, the unique username_key caught it.
            form.add_error("username", USERNAME_TAKEN)
            return self.form_invalid(form)


class SignInView(allauth_views.LoginView):
    """allauth's sign-in (`login` and `password`); `?next=` is honoured when
    it points at this site, and a signed-in reader is sent on at once.

    Failed attempts are counted by `throttle.ThrottledAuthenticationBackend`,
    which refuses an attempt before checking its password once there have been
    too many. This view turns that refusal into 429 with Retry-After.
    """

    def form_invalid(self, form):
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is None:
            return super().form_invalid(form)
        # The form's own message ("not correct") would be wrong: the password
        # was not checked at all.
        return _refused(self, form, refusal)


sign_out = require_POST(allauth_views.LogoutView.as_view())


class PasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset, limited per client address (429 after that)."""

    def form_valid(self, form):
        refusal = throttle.password_reset_refusal(self.request)
        if refusal is None:
            return super().form_valid(form)
        return _refused(self, form, refusal)


class EmailView(allauth_views.EmailView):
    """allauth's e-mail address page; each verification mail it sends (for a
    new address or asked for again) is counted per reader."""

    def post(self, request, *args, **kwargs):
        if "action_add" in request.POST or "action_send" in request.POST:
            refusal = throttle.verification_mail_refusal(request)
            if refusal is not None:
                self.object = None
                form = self.get_form()
                form.is_valid()
                return _refused(self, form, refusal)
        return super().post(request, *args, **kwargs)


@method_decorator(shared_pages.anonymous_page, name="get")
class ProfileView(DetailView):
    """A reader's public profile; their comments come from the comments app.

    A username typed in another case, or with look-alike letters, leads to
    the reader it stands for (usernames are unique under that folding).
    """

    template_name = "accounts/profile.html"
    context_object_name = "profile_user"

    def get(self, request, *args, **kwargs):
        username = kwargs["username"]
        self.object = get_object_or_404(
            User.objects.filter(is_active=True), username_key=skeleton(username)
        )
        if self.object.username != username:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


@method_decorator(login_required, name="dispatch")
class AccountView(UpdateView):
    """A reader changes their own display name (never anyone else's)."""

    form_class = AccountForm
    template_name = "accounts/account.html"
    success_url = reverse_lazy("accounts:account")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your account was updated."))
        return super().form_valid(form)


@login_required
def delete_account(request):
    """GET asks for the password; POST with the right one stops the account,
    signs the reader out everywhere and schedules the erasure. A wrong
    password shows the form again and changes nothing."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        due = erasure.request_deletion(request.user, form.cleaned_data["password"])
        logout(request)
        messages.success(
            request,
            _(
                "Your account is closed and will be erased on %(day)s at %(time)s. "
                "Until then, sign in to cancel the deletion."
            )
            % {
                "day": dateformat.format(timezone.localtime(due), "d E Y"),
                "time": f"{timezone.localtime(due):%H:%M}",
            },
        )
        return redirect("briefing:front_page")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "grace_hours": settings.BRIEFING_DELETION_GRACE_HOURS},
    )


@require_POST
@login_required
def cancel_deletion(request):
    """Keep the account: the reader changed their mind during the grace."""
    if erasure.cancel_deletion(request.user):
        messages.success(request, _("Your account will not be deleted. Welcome back."))
    return redirect("accounts:account")


@never_cache
@login_required
def export_data(request):
    """Everything the site holds about the reader, as a JSON download; a few
    a day (429 with Retry-After beyond)."""
    try:
        data = export_account(request.user)
    except ExportLimitReached as limit:
        response = HttpResponse(
            _(
                "You have downloaded your data several times today. "
                "Please try again later."
            ),
            content_type="text/plain; charset=utf-8",
            status=429,
        )
        response["Retry-After"] = str(limit.retry_after)
        return response
    filename = f"briefing-data-{timezone.localdate():%Y-%m-%d}.json"
    return JsonResponse(
        data,
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
