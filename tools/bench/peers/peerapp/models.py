from django.db import models


class Article(models.Model):
    """The object the peers' comments hang on, as Briefing's article."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    lead = models.TextField()
    body = models.TextField()

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/articles/{self.slug}/"
