"""Which change refreshes which cached pages: the one table, and `invalidate`.

    what changed (saved, deleted, updated…)         the pages readers get afresh
    ----------------------------------------------  -------------------------------------------
    an article                                      its page, and every listing
    a byline, quote or editor's note of an article  that article's page, and every listing
    a comment (posted, decided, reported, hidden)   its article's page, and every listing
                                                    (counts, "most commented")
    a section, author, organisation or speaker      every article page (their names show on
                                                    any), and every listing

Listings are the home page, sections, tags, authors, speakers, archives and rankings. Views
counted refresh nothing: the rankings box is kept for RANKINGS_CACHE_SECONDS only.

Every write of these models goes through pagecache/writes.py (their `save` and `delete`, their
querysets' `update`, `delete` and bulk operations), which calls `invalidate_rows`: a change made
in the desk, by a moderator, from the shell or by a script shows to the next reader. A
migration's writes (historical models know nothing of this) refresh everything once it has run.
What no query says — tags renamed through django-taggit's own models — the desk refreshes when
it saves them.
"""

from dataclasses import dataclass

from django.db import transaction

from pagecache.versions import EVERY_ARTICLE, LISTINGS, article_scope, bump

# Beyond this many articles at once, every article page is refreshed rather than each.
MANY_ARTICLES = 200


@dataclass(frozen=True)
class Affects:
    """What a change of one model makes stale: the article pages named by `article` (the
    field holding their id), or every article page; and the listings, always."""

    article: str | None = None
    every_article: bool = False


AFFECTS = {
    "articles.article": Affects(article="pk"),
    "articles.byline": Affects(article="article_id"),
    "articles.quote": Affects(article="article_id"),
    "articles.editorialnote": Affects(article="article_id"),
    "comments.comment": Affects(article="article_id"),
    "articles.section": Affects(every_article=True),
    "articles.author": Affects(every_article=True),
    "articles.organisation": Affects(every_article=True),
    "articles.speaker": Affects(every_article=True),
    "taggit.tag": Affects(every_article=True),
}


def affects(model):
    return AFFECTS[model._meta.label_lower]


def invalidate(*, articles=(), every_article=False):
    """Make the next readers get fresh pages of these articles (or all), and of every listing.

    Within a transaction it acts at once and again once the change is committed: a reader in
    between would otherwise keep the page as it was, under the new version.
    """
    articles = set(articles)
    if len(articles) > MANY_ARTICLES:
        articles, every_article = set(), True
    scopes = [LISTINGS, *(article_scope(pk) for pk in sorted(articles))]
    scopes += [EVERY_ARTICLE] if every_article else []
    bump(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump(scopes))


def invalidate_rows(model, rows):
    """Invalidate what these rows of the model show, as the table says; rows are instances or
    the values of the table's field."""
    change = affects(model)
    if change.article is None:
        invalidate(every_article=change.every_article)
        return
    ids = [getattr(row, change.article) if hasattr(row, "_meta") else row for row in rows]
    invalidate(articles=[pk for pk in ids if pk is not None])


def invalidate_everything(**kwargs):
    """Refresh every page: after a migration, whose writes no model method saw."""
    invalidate(every_article=True)
