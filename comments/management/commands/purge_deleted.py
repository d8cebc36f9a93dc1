"""Empty the desk's trash of the articles and comments deleted longer ago than SOFT_DELETE_DAYS.

It lives in `comments` because it covers both apps, and `articles` never imports `comments`.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

COMMENT = Comment._meta.label


class Command(BaseCommand):
    help = "Delete for good the articles and comments moved to the trash more than N days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SOFT_DELETE_DAYS,
            help="Keep what has been in the trash for fewer days (default: SOFT_DELETE_DAYS).",
        )

    @transaction.atomic
    def handle(self, *args, days, **options):
        cutoff = timezone.now() - dt.timedelta(days=days)
        _, comments = Comment.all_objects.trashed_before(cutoff).delete()
        # An article takes its comments, quotes, bylines, notes and view counts with it.
        _, with_articles = Article.all_objects.trashed_before(cutoff).delete()
        articles = with_articles.get(Article._meta.label, 0)
        comments = comments.get(COMMENT, 0) + with_articles.get(COMMENT, 0)
        self.stdout.write(
            f"Purged {articles} article(s) and {comments} comment(s) "
            f"moved to the trash more than {days} days ago."
        )
