"""Erase the request metadata kept against abuse once it is older than the retention period."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment, Sanction, Throttle


class Command(BaseCommand):
    help = (
        "Erase the hashed address and browser name of comments older than N days, and the "
        "hashed address of sanctions over for N days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.COMMENTS_METADATA_DAYS)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - dt.timedelta(days=days)
        erased = (
            Comment.all_objects.filter(submitted_at__lt=cutoff)  # those in the trash too
            .exclude(visitor_hash="", user_agent="")
            .update(visitor_hash="", user_agent="")
        )
        throttles, _ = Throttle.objects.filter(window_start__lt=cutoff).delete()
        # A sanction over (revoked, or ended) no longer needs the address: its email hash is kept,
        # for the record, and an address changes hands anyway.
        over = Q(revoked_at__lt=cutoff) | Q(revoked_at=None, ends_at__lt=cutoff)
        sanctions = (
            Sanction.objects.filter(over)
            .exclude(visitor_hash="")
            .exclude(email_hash="")
            .update(visitor_hash="")
        )
        self.stdout.write(
            f"Request metadata erased from {erased} comment(s) older than {days} days; "
            f"{throttles} old rate-limit counter(s) deleted; the address hash erased from "
            f"{sanctions} sanction(s) over for {days} days."
        )
