"""Cut the crops of the lead photos stored before crops (migration 0012); run once after it."""

from django.core.management.base import BaseCommand, CommandError

from articles import images
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Cut the 16:9, 4:3 and 1:1 crops of every lead photo that has none yet, newest first, "
        "one photo in memory at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help="Cut the crops of every lead photo again, and make its widths again if missing.",
        )

    def handle(self, *args, every, **options):
        # The trash too: an article restored from it shows its photo on cards at once.
        photos = (
            Article.all_objects.exclude(lead_image="")
            .order_by("-published_at", "-pk")
            .only("lead_image_renditions")
        )
        waiting = [a.pk for a in photos.iterator() if every or not images.has_crops(a)]
        cut = missing = 0
        for pk in waiting:
            article = Article.all_objects.get(pk=pk)
            try:
                images.refresh_crops(article)  # the photo's widths too, where it has none
            except FileNotFoundError:
                missing += 1
                self.stderr.write(f"Article {pk}: its photo {article.lead_image.name} is missing.")
                continue
            except OSError as error:
                raise CommandError(
                    f"Article {pk}: the crops could not be written ({error})."
                ) from error
            cut += 1
        self.stdout.write(f"{cut} photo(s) cut, {missing} missing.")
