"""Count the queries of each kind of public page on the database DATABASE_URL names.

Run by run.py on the 10,000-article data set and on one of 1,000, to show that the counts do not
grow with the data; it prints one JSON object, {page kind: [queries of each page fetched]}:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench .venv/bin/python \
        bench/query_counts.py

Each page is asked for twice, with the whole-page cache off: "cold" (the cache emptied first, as
after a change) then "warm" (as readers find them). 20 article pages, picked at random. Only the
keys under the site's CACHE_KEY_PREFIX are emptied.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from newsroom.cache import clear_site_keys  # noqa: E402
from pagecache.versions import versions  # noqa: E402


def empty_cache():
    """Delete this site's keys (its prefix only: others may share the Redis database)."""
    clear_site_keys()
    versions.forget()


def count(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Mozilla/5.0")
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return len(captured)


def main():
    articles = Article.objects.published().order_by("?")[:20]
    pages = {
        "home page": ["/"],
        "section page": [Section.objects.first().get_absolute_url()],
        "article pages": [article.get_absolute_url() for article in articles],
        "search": ["/recherche/?q=budget"],
    }
    client, counts = Client(), {}
    for path in ("/", pages["article pages"][0]):  # what a process loads once is not counted
        count(client, path)
    for kind, paths in pages.items():
        for path in paths:
            empty_cache()
            counts.setdefault(f"{kind}, cold", []).append(count(client, path))
            counts.setdefault(f"{kind}, warm", []).append(count(client, path))
    print(json.dumps({"articles": Article.objects.count(), "queries": counts}))


if __name__ == "__main__":
    main()
