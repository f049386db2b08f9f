from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import RedirectURLMixin
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.generic import CreateView, DetailView, UpdateView

from briefing.text import skeleton

from .antiautomation import SignUpLimit
from .forms import AccountForm, SignUpForm
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
