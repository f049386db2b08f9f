from functools import partial

from .delivery import unread_count


def unread_notifications(request):
    """The header's unread count, as a callable: the template calls it only
    for a signed-in reader, so anonymous pages read nothing. Error pages
    answered before the authentication middleware ran have no reader."""
    if not hasattr(request, "user"):
        return {"unread_notifications": 0}
    return {"unread_notifications": partial(unread_count, request.user)}
