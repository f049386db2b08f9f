"""Keep the cached moderation settings and word lists in step with the database."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from briefing import shared_pages

from .models import WORD_LISTS_CACHE_KEY, ModerationSettings, Word


@receiver([post_save, post_delete], sender=Word)
def forget_word_lists(**kwargs):
    cache.delete(WORD_LISTS_CACHE_KEY)


@receiver([post_save, post_delete], sender=ModerationSettings)
def forget_moderation_settings(**kwargs):
    cache.delete(ModerationSettings.CACHE_KEY)
    # Pausing commenting or the auto-close delay changes every article page.
    shared_pages.changed()
