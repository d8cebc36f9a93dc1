from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache.invalidation import invalidate_everything

        # A migration may change any row with models that know nothing of the cache (their
        # historical versions): what was kept before is not served after.
        post_migrate.connect(invalidate_everything, dispatch_uid="pagecache-after-migrate")
