"""Sign-in and password reset: Django's views, answering 429 while throttled."""

from django.contrib.auth.views import LoginView, PasswordResetView
from django.forms.forms import NON_FIELD_ERRORS

from . import throttle


class SignInView(LoginView):
    """Sign in with `username` and `password`; `?next=` is honoured when it
    points at this site.

    Failed attempts are counted by `throttle.ThrottledModelBackend`, which
    refuses an attempt before checking its password once there have been too
    many. This view turns that refusal into 429 with Retry-After, and the form
    again with a message saying how long to wait.
    """

    def form_invalid(self, form):
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is None:
            return super().form_invalid(form)
        # The form's own message ("enter a correct username and password")
        # would be wrong: the password was not checked at all.
        form.errors[NON_FIELD_ERRORS] = form.error_class(
            [refusal.message], error_class="nonfield"
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, limited per client address (429 after that)."""

    def form_valid(self, form):
        refusal = throttle.password_reset_refusal(self.request)
        if refusal is None:
            return super().form_valid(form)
        form.add_error(None, refusal.message)
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
