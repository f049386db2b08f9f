"""The notifications' background work, run by `manage.py db_worker`."""

from django.tasks import task

from . import delivery


@task
def send_notification_mail(notification_id: int) -> str:
    """Mail a notification if it is still due; safe to run twice."""
    return delivery.deliver_mail(notification_id)
