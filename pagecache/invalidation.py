"""Which change refreshes which cached pages: the one table, and `invalidate`.

    what changed (saved, deleted, updated…)         the pages readers get afresh
    ----------------------------------------------  -------------------------------------------
    an article                                      its page, and every listing
    a byline, quote or editor's note of an article  that article's page, and every listing
    a comment (posted, decided, reported, hidden)   its article's page, and every listing
                                                    (counts, "most commented")
    a section, author, organisation, speaker or     every article page (their names show on
    tag                                             any: the references), and every listing
    a photo of the library                          every article page (any body may show it:
                                                    a reference), and every listing
    more than MANY_ARTICLES articles at once         every article page, and every listing

A change of the references alone leaves each article's own content as it was: after one, the
page cache may serve an article page made before it while one process makes it again (see
pages.py), so that every article page going stale at once is no storm. Nothing else allows that.

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

from pagecache.versions import EVERY_ARTICLE, LISTINGS, REFERENCES, article_scope, bump

# Beyond this many articles at once, every article page is refreshed rather than each.
MANY_ARTICLES = 200


@dataclass(frozen=True)
class Affects:
    """What a change of one model makes stale: the article pages named by `article` (the
    field holding their id), or the references every article page shows; and the listings,
    always."""

    article: str | None = None
    references: bool = False


AFFECTS = {
    "articles.article": Affects(article="pk"),
    "articles.byline": Affects(article="article_id"),
    "articles.quote": Affects(article="article_id"),
    "articles.editorialnote": Affects(article="article_id"),
    "comments.comment": Affects(article="article_id"),
    "articles.section": Affects(references=True),
    "articles.author": Affects(references=True),
    "articles.organisation": Affects(references=True),
    "articles.speaker": Affects(references=True),
    "taggit.tag": Affects(references=True),
    "articles.photo": Affects(references=True),
}


def affects(model):
    return AFFECTS[model._meta.label_lower]


def invalidate(*, articles=(), every_article=False, references=False):
    """Make the next readers get fresh pages of these articles (or all, or all that show the
    references), and of every listing.

    Within a transaction it acts at once and again once the change is committed: a reader in
    between would otherwise keep the page as it was, under the new version.
    """
    articles = set(articles)
    if len(articles) > MANY_ARTICLES:
        articles, every_article = set(), True
    scopes = [LISTINGS, *(article_scope(pk) for pk in sorted(articles))]
    scopes += [EVERY_ARTICLE] if every_article else []
    scopes += [REFERENCES] if references else []
    bump(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump(scopes))


def invalidate_rows(model, rows):
    """Invalidate what these rows of the model show, as the table says; rows are instances or
    the values of the table's field."""
    change = affects(model)
    if change.article is None:
        invalidate(references=change.references)
        return
    ids = [getattr(row, change.article) if hasattr(row, "_meta") else row for row in rows]
    invalidate(articles=[pk for pk in ids if pk is not None])


def invalidate_everything(**kwargs):
    """Refresh every page: after a migration, whose writes no model method saw."""
    invalidate(every_article=True, references=True)
