"""Response headers Django's SecurityMiddleware does not set."""

from django.conf import settings


def cross_origin_resource_policy(get_response):
    """Add Cross-Origin-Resource-Policy, so other sites cannot embed our pages."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response

    return middleware
