"""Search on a stored document: each article's words, weighted, kept by PostgreSQL itself.

A trigger fills `search_document` whenever the headline, kicker, lede or body is written, by
whatever path (the desk, `QuerySet.update`, a script, COPY): search reads it from the row and
its GIN index instead of parsing every matching body again to rank it. On SQLite the column
stays empty (search there reads the text itself).
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations

EARLIER = importlib.import_module("articles.migrations.0003_search_index")

# The same words and weights as migration 0003's expression, now computed once per write.
CREATE_TRIGGER = [
    """
    CREATE FUNCTION articles_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document :=
            setweight(to_tsvector('french_unaccent', COALESCE(NEW.headline, '')), 'A')
            || setweight(to_tsvector('french_unaccent',
                COALESCE(NEW.kicker, '') || ' ' || COALESCE(NEW.lede, '')), 'B')
            || setweight(to_tsvector('french_unaccent', COALESCE(NEW.body, '')), 'C');
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER article_search_document
    BEFORE INSERT OR UPDATE OF headline, kicker, lede, body, search_document
    ON articles_article FOR EACH ROW EXECUTE FUNCTION articles_search_document()
    """,
    "UPDATE articles_article SET search_document = NULL",  # the trigger fills every row
    "CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document)",
    "DROP INDEX IF EXISTS article_search_idx",
]
DROP_TRIGGER = [
    "DROP TRIGGER IF EXISTS article_search_document ON articles_article",
    "DROP FUNCTION IF EXISTS articles_search_document()",
    "DROP INDEX IF EXISTS article_search_document_idx",
    EARLIER.CREATE_INDEX,
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_quote_markers")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(
            EARLIER.run_on_postgresql(*CREATE_TRIGGER), EARLIER.run_on_postgresql(*DROP_TRIGGER)
        ),
    ]
