"""Check a restored database: migrations applied, content counted, pages rendered."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from articles.models import Article


class Command(BaseCommand):
    help = "Count the articles and render the home page and one article, or fail."

    def handle(self, *args, **options):
        call_command("migrate", check=True, verbosity=0)  # exits non-zero if one is missing
        total, published = Article.objects.count(), Article.objects.published().count()
        browser = Client(HTTP_X_FORWARDED_PROTO="https")
        pages = ["/"]
        article = Article.objects.published().first()
        if article:
            pages.append(article.get_absolute_url())
        for page in pages:
            status = browser.get(page, secure=True).status_code
            if status != 200:
                raise CommandError(f"{page} answered {status}")
        self.stdout.write(
            f"Smoke check passed: {total} articles ({published} published), "
            f"{len(pages)} pages rendered."
        )
