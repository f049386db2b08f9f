from django import template

from ..moderation import waiting_appeals
from ..timeliness import duration_words, queue_state

register = template.Library()


@register.inclusion_tag("admin/comments/_queue_state.html", takes_context=True)
def queue_summary(context):
    """What waits for moderators and how promptly it is worked, for those
    who moderate; nothing for other staff (editors)."""
    user = context["request"].user
    if not user.has_perm("comments.can_moderate"):
        return {"state": None}
    state = queue_state()
    median = state.median_decision_seconds
    appeals, oldest_appeal_at = waiting_appeals()
    return {
        "appeals": appeals,
        "oldest_appeal_at": oldest_appeal_at,
        "state": state,
        "median": duration_words(median) if median is not None else "",
        "decisions": len(state.decisions),
    }


@register.inclusion_tag("admin/comments/comment/_desk_forms.html", takes_context=True)
def desk_forms(context, cl):
    """The forms the queue's row buttons belong to, one set per comment,
    outside the list's own form (forms cannot nest); each carries the
    queue's filters and page back, and the keys' help."""
    from ..admin.desk import ONE_CLICK_REASONS, OTHER_REASON_KEY

    request = context["request"]
    return {
        "comments": cl.result_list,
        "filters": request.GET.urlencode(),
        "csrf_token": context.get("csrf_token"),
        "reasons": ONE_CLICK_REASONS,
        "other_key": OTHER_REASON_KEY,
        "can_moderate": request.user.has_perm("comments.can_moderate"),
        "can_note": request.user.has_perm("comments.add_moderatornote"),
    }
