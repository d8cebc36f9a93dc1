"""Search in French on PostgreSQL whatever the accents readers type, with an index."""

from django.db import migrations

# French stemming after unaccent: "numerique" finds "numériques". Used by articles/search.py.
CREATE_CONFIGURATION = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION french_unaccent"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]
# The reader's search page (articles/search.py) filters on this expression: it must stay
# identical to search_vector() there, character for character, or the index goes unused.
CREATE_INDEX = """
CREATE INDEX article_search_idx ON articles_article USING gin ((
    (setweight(to_tsvector('french_unaccent'::regconfig, COALESCE(headline, '')), 'A')
    || setweight(to_tsvector('french_unaccent'::regconfig,
        COALESCE(kicker, '') || ' ' || COALESCE(lede, '')), 'B'))
    || setweight(to_tsvector('french_unaccent'::regconfig, COALESCE(body, '')), 'C')
))
"""
# The unaccent extension stays: other code may use it, and it costs nothing.
DROP = [
    "DROP INDEX IF EXISTS article_search_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def run_on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_desk_roles")]

    operations = [
        migrations.RunPython(
            run_on_postgresql(*CREATE_CONFIGURATION, CREATE_INDEX),
            run_on_postgresql(*DROP),
        ),
    ]
