"""Quotes stand where a marker in the body names them, no longer after a numbered paragraph.

Each quote gets a ref; each article's body gets a marker, an empty <blockquote data-quote="ref">,
where the article page showed the quote: after its nth top-level paragraph (0: at the top; past
the last paragraph: at the end). The saved versions (django-reversion) are converted the same way,
so that restoring one brings back its quotes in their places. Reversible.
"""

import json
import uuid
from collections import defaultdict
from html.parser import HTMLParser

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models


class _TopLevel(HTMLParser):
    """Split rich text into its top-level blocks, as written: [(tag or None, html)]."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks, self.current, self.depth, self.tag = [], [], 0, None

    def _close_block(self):
        if self.current:
            self.blocks.append((self.tag, "".join(self.current)))
        self.current, self.tag = [], None

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self._close_block()
            self.tag = tag
        self.depth += tag != "br"
        self.current.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self._close_block()
        self.current.append(self.get_starttag_text())
        if self.depth == 0:
            self.tag = tag
            self._close_block()

    def handle_endtag(self, tag):
        self.current.append(f"</{tag}>")
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0:
            self._close_block()

    def handle_data(self, data):
        self.current.append(data)

    def handle_entityref(self, name):
        self.current.append(f"&{name};")

    def handle_charref(self, name):
        self.current.append(f"&#{name};")


def blocks_of(body):
    parser = _TopLevel()
    parser.feed(body or "")
    parser.close()
    parser._close_block()
    return parser.blocks


def marker(ref):
    return f'<blockquote data-quote="{ref}"></blockquote>'


def body_with_markers(body, places):
    """Return the body with a marker for each (position, ref), where the page showed the quote.

    Places are in the page's order for quotes after the same paragraph (by pk, as the quotes'
    ordering was); a position past the last paragraph puts the marker at the end.
    """
    after = defaultdict(list)
    for position, ref in places:
        after[position].append(marker(ref))
    parts, paragraphs = [*after.pop(0, [])], 0
    for tag, html in blocks_of(body):
        parts.append(html)
        if tag == "p":
            paragraphs += 1
            parts.extend(after.pop(paragraphs, []))
    for position in sorted(after):
        parts.extend(after[position])
    return "".join(parts)


def positions_from_markers(body):
    """Return the body without markers, and {ref: position} of the quotes it placed (reverse)."""
    parts, positions, paragraphs = [], {}, 0
    for tag, html in blocks_of(body):
        if tag == "blockquote" and 'data-quote="' in html and html.endswith("></blockquote>"):
            ref = html.split('data-quote="', 1)[1].split('"', 1)[0]
            positions.setdefault(ref, paragraphs)
            continue
        parts.append(html)
        paragraphs += tag == "p"
    return "".join(parts), positions, paragraphs


def _place_quotes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Quote = apps.get_model("articles", "Quote")
    places = defaultdict(list)
    quotes = list(Quote.objects.order_by("article_id", "position", "pk"))
    for quote in quotes:
        quote.ref = uuid.uuid4()
        places[quote.article_id].append((quote.position, str(quote.ref)))
    Quote.objects.bulk_update(quotes, ["ref"], batch_size=1000)
    for article in Article._base_manager.filter(pk__in=places).only("pk", "body"):
        body = body_with_markers(article.body, places[article.pk])
        Article._base_manager.filter(pk=article.pk).update(body=body)  # not a save: no new time
    _convert_versions(apps, {quote.pk: str(quote.ref) for quote in quotes}, forwards=True)


def _number_quotes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Quote = apps.get_model("articles", "Quote")
    quotes = list(Quote.objects.all())
    article_ids = {quote.article_id for quote in quotes}
    found = {}
    for article in Article._base_manager.filter(pk__in=article_ids).only("pk", "body"):
        body, positions, paragraphs = positions_from_markers(article.body)
        found[article.pk] = (positions, paragraphs)
        Article._base_manager.filter(pk=article.pk).update(body=body)
    for quote in quotes:
        positions, paragraphs = found.get(quote.article_id, ({}, 0))
        quote.position = positions.get(str(quote.ref), paragraphs + 1)  # unplaced: at the end
    Quote.objects.bulk_update(quotes, ["position"], batch_size=1000)
    _convert_versions(apps, {}, forwards=False)


def _convert_versions(apps, refs, *, forwards):
    """Convert the saved versions of articles and their quotes, revision by revision."""
    try:
        Version = apps.get_model("reversion", "Version")
    except LookupError:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = {
        ct.model: ct.pk
        for ct in ContentType.objects.filter(app_label="articles", model__in=["article", "quote"])
    }
    if len(types) < 2:
        return
    by_revision = defaultdict(lambda: {"article": [], "quote": []})
    versions = Version.objects.filter(content_type_id__in=types.values(), format="json")
    kind = {pk: model for model, pk in types.items()}
    for version in versions.iterator():
        data = json.loads(version.serialized_data)
        by_revision[version.revision_id][kind[version.content_type_id]].append((version, data))
    for revision in by_revision.values():
        if forwards:
            _markers_in_revision(revision, refs)
        else:
            _positions_in_revision(revision)
        for version, data in revision["article"] + revision["quote"]:
            version.serialized_data = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
            version.save(update_fields=["serialized_data"])


def _markers_in_revision(revision, refs):
    places = defaultdict(list)
    records = sorted(
        (data[0] for _version, data in revision["quote"]),
        key=lambda record: (record["fields"].get("position", 0), record["pk"]),
    )
    for record in records:
        fields = record["fields"]
        # The quote's own ref if it still exists; one made up, the same in every version, if not.
        ref = refs.setdefault(record["pk"], str(uuid.uuid4()))
        fields["ref"] = ref
        places[fields["article"]].append((fields.pop("position", 0), ref))
    for _version, data in revision["article"]:
        record = data[0]
        if 'data-quote="' not in record["fields"].get("body", ""):
            record["fields"]["body"] = body_with_markers(
                record["fields"].get("body", ""), places.get(record["pk"], [])
            )


def _positions_in_revision(revision):
    found = {}
    for _version, data in revision["article"]:
        record = data[0]
        body, positions, paragraphs = positions_from_markers(record["fields"].get("body", ""))
        record["fields"]["body"] = body
        found[record["pk"]] = (positions, paragraphs)
    for _version, data in revision["quote"]:
        fields = data[0]["fields"]
        positions, paragraphs = found.get(fields["article"], ({}, 0))
        fields["position"] = positions.get(fields.pop("ref", None), paragraphs + 1)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_first_publication"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="quote",
            name="ref",
            field=models.UUIDField(null=True, verbose_name="reference in the body"),
        ),
        migrations.RunPython(_place_quotes, _number_quotes),
        migrations.AlterField(
            model_name="quote",
            name="ref",
            field=models.UUIDField(default=uuid.uuid4, verbose_name="reference in the body"),
        ),
        migrations.RemoveField(model_name="quote", name="position"),
        migrations.AlterModelOptions(
            name="quote",
            options={"ordering": ["pk"], "verbose_name": "quote", "verbose_name_plural": "quotes"},
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.UniqueConstraint(
                fields=("article", "ref"), name="one_marker_ref_per_article"
            ),
        ),
    ]
