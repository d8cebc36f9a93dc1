"""Move view counts from Redis to the database; run every minute (cron or a systemd timer)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from articles import popularity


class Command(BaseCommand):
    help = "Move the view counts buffered in Redis to the database, each batch exactly once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--roll-up",
            action="store_true",
            help="Also fold hourly counters older than VIEWS_HOURLY_DAYS into daily ones.",
        )

    def handle(self, *args, roll_up, **options):
        moved = popularity.flush()
        self.stdout.write(f"{moved} view(s) moved to the database.")
        if roll_up:
            folded = popularity.roll_up(settings.VIEWS_HOURLY_DAYS)
            self.stdout.write(f"{folded} hourly counter(s) rolled up into daily ones.")
