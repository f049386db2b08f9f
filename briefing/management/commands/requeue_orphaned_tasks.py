from django.core.management.base import BaseCommand
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks a worker left running when it died "
        "(SIGKILL, a crash, a power cut). Run it before (re)starting the worker "
        "with the same --worker-id: only one process at a time has that id, so "
        "whatever still runs under it is an orphan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True)

    def handle(self, *, worker_id, verbosity, **options):
        # django-tasks-db marks a task RUNNING when a worker claims it and
        # never looks at it again: without this a killed worker's task would
        # wait forever. Every task of ours is safe to run twice.
        with transaction.atomic():
            orphans = [
                result.pk
                for result in DBTaskResult.objects.running()
                .select_for_update()
                .only("worker_ids")
                if result.worker_ids and result.worker_ids[-1] == worker_id
            ]
            DBTaskResult.objects.filter(pk__in=orphans).update(
                status=TaskResultStatus.READY, started_at=None
            )
        if verbosity and orphans:
            self.stdout.write(
                f"Requeued {len(orphans)} task(s) left running by worker {worker_id}."
            )
