from functools import partial

from .delivery import unread_count


def unread_notifications(request):
    """The header's unread count, as a callable: the template calls it only
    for a signed-in reader, so anonymous pages read nothing."""
    return {"unread_notifications": partial(unread_count, request.user)}
