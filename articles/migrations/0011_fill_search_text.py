"""Fill the search text of the articles written before it was kept (articles/search_text.py)."""

from django.db import migrations

from articles.search_text import fill


def fill_search_text(apps, schema_editor):
    """Write every article's search text, the trash's included, a batch at a time."""
    Article = apps.get_model("articles", "Article")
    fill(Article._base_manager.using(schema_editor.connection.alias))


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_front_page_focal_point_search_text")]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
