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
