from datetime import timedelta

from django.utils import timezone

from .models import User

# Online status needs "seen in the last 5 minutes", not every request: one
# write per reader per minute at most.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def record_last_seen(get_response):
    """Note when a signed-in reader was last seen, for Online/Offline."""

    def middleware(request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            if user.last_seen is None or now - user.last_seen >= LAST_SEEN_RESOLUTION:
                User.objects.filter(pk=user.pk).update(last_seen=now)
                user.last_seen = now
        return get_response(request)

    return middleware
