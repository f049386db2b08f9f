"""Middleware of our own: headers SecurityMiddleware does not set, hostile URLs."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.gzip import GZipMiddleware


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


def cache_headers(get_response):
    """Keep what is someone's own out of shared caches.

    Anonymous pages say themselves that shared caches may keep them
    (`briefing.shared_pages.publish`); here, outside the middleware that
    sets cookies (session, CSRF, messages, the discussion's order), a
    response that sets a cookie, or one to a signed-in reader, loses what
    lets a shared cache keep it and becomes `private` (a browser may still
    keep what is the same for everyone, such as /comments/latest, for its
    max-age). A signed-in reader's page that said nothing is
    `private, no-cache`: their browser may keep it, asking again before
    showing it, and no proxy or CDN ever may.
    """

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)  # None: WhiteNoise answered
        signed_in = user is not None and user.is_authenticated
        directives = [
            d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()
        ]
        names = {d.split("=", 1)[0].lower() for d in directives}
        if (signed_in or response.cookies) and names & SHARED_CACHE_DIRECTIVES:
            kept = [
                d
                for d in directives
                if d.split("=", 1)[0].lower() not in SHARED_CACHE_DIRECTIVES
            ]
            response.headers["Cache-Control"] = ", ".join(["private", *kept])
        elif signed_in and not directives:
            response.headers["Cache-Control"] = "private, no-cache"
        return response

    return middleware


# What lets a shared cache keep a response, or serve it once stale.
SHARED_CACHE_DIRECTIVES = {"public", "s-maxage", "stale-while-revalidate"}


def compress_public_pages(get_response):
    """gzip what is the same for every reader, never what is someone's own.

    Where gunicorn serves alone (behind nginx, nginx compresses everything
    and asks the instances for plain text: deploy/nginx). BREACH reads a
    page's secret from the compressed size of responses into which an
    attacker reflects guesses; a response the application lets any shared
    cache keep and hand to anyone (`Cache-Control: public`, which
    `cache_headers`, inside this middleware, takes away from signed-in
    readers' pages and from anything that sets a cookie) holds no secret:
    no CSRF token, no session, nothing of a reader's. Pages with a token
    would be safe from BREACH for the token (Django masks it afresh in every
    response), not for whatever else of the reader's they show, and
    gunicorn-alone sites are small: they go out as they are. Static files
    are WhiteNoise's, compressed ahead (CompressedManifestStaticFilesStorage's
    .gz copies); streamed responses are left alone.
    """
    gzip = GZipMiddleware(get_response)

    def middleware(request):
        response = get_response(request)
        directives = {
            d.strip().split("=", 1)[0].lower()
            for d in response.get("Cache-Control", "").split(",")
        }
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        # A request that names no encoding (nginx asks for pages so) gets
        # the page as it is, without `Vary: Accept-Encoding`: that copy suits
        # every reader, and nginx keeps one of it rather than one per
        # browser's Accept-Encoding. The compressed copy always says Vary.
        if (
            "HTTP_ACCEPT_ENCODING" in request.META
            and "public" in directives
            and not response.streaming
            and not response.cookies
            and content_type in COMPRESSED_TYPES
        ):
            return gzip.process_response(request, response)
        return response

    return middleware


# What compress_public_pages compresses: the pages and the feed.
COMPRESSED_TYPES = {
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "application/json",
}
