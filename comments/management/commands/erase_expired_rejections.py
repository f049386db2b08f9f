from django.core.management.base import BaseCommand

from comments.erasure import erase_expired_rejections


class Command(BaseCommand):
    help = (
        "Erase the text of comments rejected more than "
        "BRIEFING_REJECTED_RETENTION_DAYS ago, keeping their moderation record."
    )

    def handle(self, *args, **options):
        erased = erase_expired_rejections()
        self.stdout.write(
            f"Text of {erased} rejected comment{'s' if erased != 1 else ''} erased."
        )
