"""Keep the cached moderation settings and word lists in step with the
database; answer for the discussion when an account is erased or exported."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from briefing import shared_pages
from briefing.accounts.signals import account_erased, personal_data_requested

from .erasure import erase_author
from .export import personal_data
from .models import WORD_LISTS_CACHE_KEY, ModerationSettings, Word


@receiver([post_save, post_delete], sender=Word)
def forget_word_lists(**kwargs):
    cache.delete(WORD_LISTS_CACHE_KEY)


@receiver([post_save, post_delete], sender=ModerationSettings)
def forget_moderation_settings(**kwargs):
    cache.delete(ModerationSettings.CACHE_KEY)
    # Pausing commenting or the auto-close delay changes every article page.
    shared_pages.changed()


@receiver(account_erased)
def erase_comments_of_erased_account(user, **kwargs):
    erase_author(user)


@receiver(personal_data_requested)
def export_discussion_data(user, **kwargs):
    return personal_data(user)
