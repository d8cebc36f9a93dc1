"""Keep the lead photo's renditions by ratio: the photo whole, then its crops (articles/images.py).

Renditions stored before crops, a list of the photo's widths, become {"original": that list}; their
crops are cut by `manage.py cut_crops`, which reads every photo again (too slow for a migration).
Until then cards show the photo whole, cut by their CSS.
"""

from django.db import migrations, models

BATCH = 500


def by_ratio(apps, schema_editor):
    """Turn each list of widths into the photo's entry of the new shape."""
    Article = apps.get_model("articles", "Article")
    articles = Article._base_manager.using(schema_editor.connection.alias)
    changed = []
    for article in articles.only("lead_image_renditions").iterator(chunk_size=BATCH):
        if isinstance(article.lead_image_renditions, list):
            stored = article.lead_image_renditions
            article.lead_image_renditions = {"original": stored} if stored else {}
            changed.append(article)
        if len(changed) == BATCH:
            articles.bulk_update(changed, ["lead_image_renditions"])
            changed = []
    articles.bulk_update(changed, ["lead_image_renditions"])


def as_list(apps, schema_editor):
    """Give each article back the list of its photo's widths (its crops are forgotten)."""
    Article = apps.get_model("articles", "Article")
    articles = Article._base_manager.using(schema_editor.connection.alias)
    changed = []
    for article in articles.only("lead_image_renditions").iterator(chunk_size=BATCH):
        if isinstance(article.lead_image_renditions, dict):
            article.lead_image_renditions = article.lead_image_renditions.get("original", [])
            changed.append(article)
        if len(changed) == BATCH:
            articles.bulk_update(changed, ["lead_image_renditions"])
            changed = []
    articles.bulk_update(changed, ["lead_image_renditions"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_fill_search_text")]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="lead_image_renditions",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(by_ratio, as_list, elidable=True),
    ]
