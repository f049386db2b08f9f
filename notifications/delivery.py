"""Notifying a reader: the one entry point (`notify`), the header's unread
count, and the mail that follows a minute later unless the reader has seen
the notification on the site by then."""

import logging
import smtplib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from briefing.accounts.addresses import verified_address

from . import tasks
from .models import EmailPreference, MailState, Notification
from .tokens import unsubscribe_token

logger = logging.getLogger("briefing.notifications")

EXCERPT_LENGTH = Notification._meta.get_field("excerpt").max_length
UNREAD_CACHE_SECONDS = 600
# A mail server down for a day is an outage someone must look at; until then
# every notification waits for it (the back-off tops out at an hour).
MAX_MAIL_ATTEMPTS = 30
MAX_RETRY_SECONDS = 3600


def notify(
    recipient,
    kind: str,
    *,
    actor,
    text: str,
    url: str,
    title: str = "",
    excerpt: str = "",
) -> Notification | None:
    """Tell `recipient` that `actor` did what `text` says, at `url`.

    Nothing is made for what the reader did themselves. Call it inside the
    transaction that decides: the mail task is enqueued only once that
    commits, and is due BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS later.
    """
    if actor is not None and actor.pk == recipient.pk:
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        text=_one_line(text)[: Notification._meta.get_field("text").max_length],
        title=_one_line(title)[: Notification._meta.get_field("title").max_length],
        excerpt=Truncator(_one_line(excerpt)).chars(EXCERPT_LENGTH),
        url=url,
    )
    transaction.on_commit(partial(forget_unread_count, recipient.pk))
    _enqueue_mail(
        notification.pk,
        timedelta(seconds=settings.BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS),
    )
    return notification


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _enqueue_mail(notification_id: int, delay: timedelta) -> None:
    task = tasks.send_notification_mail.using(run_after=timezone.now() + delay)
    transaction.on_commit(partial(task.enqueue, notification_id))


def _unread_key(reader_id: int) -> str:
    return f"notifications:unread:{reader_id}"


def unread_count(reader) -> int:
    """The reader's unread notifications: one statement, none while cached."""
    key = _unread_key(reader.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=reader).unread().count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread_count(reader_id: int) -> None:
    cache.delete(_unread_key(reader_id))


def mark_read(reader, notifications: list[Notification]) -> None:
    """The reader has seen these on the site: no mail for them any more."""
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(recipient=reader, pk__in=unread).mark_read()
        forget_unread_count(reader.pk)


def absolute_url(path: str) -> str:
    return settings.BRIEFING_SITE_URL + path


def mail_message(notification: Notification, address: str) -> EmailMultiAlternatives:
    """The mail for `notification`: plain text and HTML, the article, who, an
    excerpt and a link, and a one-click unsubscribe for its kind (RFC 8058)."""
    unsubscribe = absolute_url(
        reverse(
            "notifications:unsubscribe",
            args=[unsubscribe_token(notification.recipient_id, notification.kind)],
        )
    )
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
        "settings_link": absolute_url(reverse("notifications:settings")),
        "unsubscribe_link": unsubscribe,
        "kind": notification.get_kind_display(),
    }
    subject = notification.text
    if notification.title:
        subject = f"{subject}: {notification.title}"
    message = EmailMultiAlternatives(
        subject=Truncator(subject).chars(150),
        body=render_to_string("notifications/mail.txt", context),
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("notifications/mail.html", context), "text/html"
    )
    return message


def deliver_mail(notification_id: int) -> str:
    """Send the mail of a notification once, whoever runs this and how often.

    The notification's row is locked, checked, mailed and marked sent in one
    transaction: a second run waits for the first and finds it sent. What
    remains: a worker killed after the server accepted the mail and before
    the commit leaves it due, and the next run sends it again.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, mail_state=MailState.DUE)
            .first()
        )
        if notification is None:
            return "not due"
        reason = _reason_not_to_mail(notification)
        address = None if reason else verified_address(notification.recipient)
        if not reason and address is None:
            reason = "no verified address"
        if reason:
            notification.mail_state = MailState.SKIPPED
            notification.save(update_fields=["mail_state"])
            return f"skipped: {reason}"
        try:
            # In the recipient's language, whoever's request caused it.
            with translation.override(notification.recipient.mail_language):
                message = mail_message(notification, address)
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            return _retry_later(notification, error)
        notification.mail_state = MailState.SENT
        notification.mailed_at = timezone.now()
        notification.save(update_fields=["mail_state", "mailed_at"])
    return "sent"


def _reason_not_to_mail(notification: Notification) -> str:
    if notification.read_at is not None:
        return "seen on the site"
    if not notification.recipient.is_active:
        return "account closed"
    if not EmailPreference.objects.is_mailed(notification.recipient, notification.kind):
        return "switched off"
    return ""


def _retry_later(notification: Notification, error: Exception) -> str:
    notification.mail_attempts += 1
    if notification.mail_attempts >= MAX_MAIL_ATTEMPTS:
        notification.mail_state = MailState.FAILED
        notification.save(update_fields=["mail_attempts", "mail_state"])
        logger.error(
            "notification %s: mail given up after %s attempts: %s",
            notification.pk,
            notification.mail_attempts,
            error,
        )
        return "failed"
    notification.save(update_fields=["mail_attempts"])
    delay = min(
        settings.BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS
        * 2 ** (notification.mail_attempts - 1),
        MAX_RETRY_SECONDS,
    )
    logger.warning(
        "notification %s: mail server failed (%s), attempt %s, next in %s s",
        notification.pk,
        error,
        notification.mail_attempts,
        delay,
    )
    _enqueue_mail(notification.pk, timedelta(seconds=delay))
    return "retry"
