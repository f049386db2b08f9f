from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import RedirectURLMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, UpdateView

from briefing.text import skeleton

from . import erasure
from .antiautomation import SignUpLimit
from .export import ExportLimitReached, export_account
from .forms import AccountForm, DeleteAccountForm, SignUpForm
from .models import User


class SignUpView(SignUpLimit, RedirectURLMixin, CreateView):
    """Create a reader, sign them in and send them back where they came from.

    `next` is honoured only when it points at this site (RedirectURLMixin).
    """

    form_class = SignUpForm
    template_name = "accounts/signup.html"
    next_page = reverse_lazy("briefing:front_page")

    def get_context_data(self, **kwargs):
        # Only a `next` that passed the safety check goes back into the form.
        return super().get_context_data(
            **kwargs, **{self.redirect_field_name: self.get_redirect_url()}
        )

    def form_valid(self, form):
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Two sign-ups raced for the same (or a look-alike) username; the
            # form's check saw neither, the unique username_key caught it.
            form.add_error("username", form.taken_message)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome to Briefing, {user.get_short_name()}.")
        return redirect(self.get_success_url())


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
    """A reader changes their own display name and e-mail (never anyone else's)."""

    form_class = AccountForm
    template_name = "accounts/account.html"
    success_url = reverse_lazy("accounts:account")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, "Your account was updated.")
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
            "Your account is closed and will be erased on "
            f"{timezone.localtime(due):%d %B %Y at %H:%M}. Until then, sign in "
            "to cancel the deletion.",
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
        messages.success(request, "Your account will not be deleted. Welcome back.")
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
            "You have downloaded your data several times today. "
            "Please try again later.",
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
