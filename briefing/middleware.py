"""Middleware of our own: headers SecurityMiddleware does not set, hostile URLs."""

from django.conf import settings
from django.core.exceptions import BadRequest


def cross_origin_resource_policy(get_response):
    """Add Cross-Origin-Resource-Policy, so other sites cannot embed our pages."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response

    return middleware


def reject_nul_bytes(get_response):
    """Answer 400 to a URL holding a NUL byte, which no page of ours has.

    Forms refuse NUL in their fields, but a slug or a username from the path,
    or an admin search from the query string, goes straight into a query, and
    PostgreSQL cannot compare text with NUL in it: without this, a 500.
    """

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            raise BadRequest("A NUL byte in the URL")
        return get_response(request)

    return middleware
