"""Where the site may write to a reader."""

from allauth.account.models import EmailAddress


def verified_address(user) -> str | None:
    """The reader's primary address once they have verified it, else None:
    nothing but the sign-up's own verification mail goes to an address
    nobody has confirmed."""
    return (
        EmailAddress.objects.filter(user=user, primary=True, verified=True)
        .values_list("email", flat=True)
        .first()
    )
