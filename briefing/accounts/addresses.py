"""Where a reader is: the client's address (believed from X-Forwarded-For
only behind trusted proxies), and where the site may write to them."""

import ipaddress
from functools import cache as memoize

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

UNKNOWN_ADDRESS = "0.0.0.0"


@memoize
def _trusted_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"BRIEFING_TRUSTED_PROXIES holds an entry that is neither an address "
            f"nor a network: {error}"
        ) from error


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    # gunicorn on a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return parsed.ipv4_mapped
    return parsed


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _trusted_networks(tuple(settings.BRIEFING_TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    Behind trusted proxies, each proxy appends the address it received the
    request from to `X-Forwarded-For`; reading from the right, the first
    address that is not a trusted proxy is the client. Whatever lies further
    left was written by the client itself and proves nothing.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN_ADDRESS
    client = remote
    if _is_trusted(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(forwarded):
            address = _parse(hop)
            if address is None:
                break
            client = address
            if not _is_trusted(address):
                break
    return str(client)


def verified_address(user) -> str | None:
    """The reader's primary address once they have verified it, else None:
    nothing but the sign-up's own verification mail goes to an address
    nobody has confirmed."""
    return (
        EmailAddress.objects.filter(user=user, primary=True, verified=True)
        .values_list("email", flat=True)
        .first()
    )
