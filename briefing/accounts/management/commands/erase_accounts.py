from django.core.management.base import BaseCommand

from briefing.accounts.erasure import erase_due_accounts


class Command(BaseCommand):
    help = (
        "Erase every account whose deletion grace "
        "(BRIEFING_DELETION_GRACE_HOURS) has passed. Safe to run twice or at once."
    )

    def handle(self, *args, **options):
        erased = erase_due_accounts()
        self.stdout.write(f"{erased} account{'s' if erased != 1 else ''} erased.")
