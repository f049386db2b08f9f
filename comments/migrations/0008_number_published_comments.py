from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def number_what_was_published(apps, schema_editor):
    """Give a number to every comment readers have seen: published ones, and
    those removed after publication (their trail shows it), in the order the
    discussion showed them; comments nobody else saw stay unnumbered."""
    Comment = apps.get_model("comments", "Comment")
    ModerationEvent = apps.get_model("comments", "ModerationEvent")
    was_published = ModerationEvent.objects.filter(
        Q(from_status="published") | Q(to_status="published"), comment=OuterRef("pk")
    )
    seen = Comment.objects.filter(
        Q(status="published") | Q(Exists(was_published))
    ).order_by("article_id", "created_at", "id")
    numbers = {}
    batch = []
    for comment in seen.only("pk", "article_id").iterator(chunk_size=2000):
        numbers[comment.article_id] = numbers.get(comment.article_id, 0) + 1
        comment.number = numbers[comment.article_id]
        batch.append(comment)
        if len(batch) == 2000:
            Comment.objects.bulk_update(batch, ["number"])
            batch = []
    Comment.objects.bulk_update(batch, ["number"])



class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0007_comment_number"),
    ]

    operations = [
        migrations.RunPython(number_what_was_published, migrations.RunPython.noop),
    ]
