"""Helpers to drive the desk's article form as a browser would post it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Speaker

ADD_URL = "/desk/articles/article/add/"


def change_url(article):
    return f"/desk/articles/article/{article.pk}/change/"


def jpeg(width=1600, height=900, name="photo.jpg", image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, buffer.getvalue(), content_type.get(image_format, "image/gif"))


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def article_form(section, *, quotes=(), notes=(), bylines=(), **fields):
    """Return the POST data of a complete article form."""
    data = {
        "kicker": "Économie numérique",
        "headline": "Toulouse et Montpellier accordent leurs pôles numériques avant la fusion",
        "slug": "toulouse-montpellier-poles-numeriques",
        "lede": "Les deux pôles se rencontrent. Ils comparent leurs projets.",
        "lead_image_caption": "Le pôle toulousain et ses start-up",
        "lead_image_credit": "Photo Jeanne Martin",
        "lead_image_alt": "Une salle de réunion pleine",
        "body": (
            "<p>Premier paragraphe.</p><h2>Ce qui rapproche</h2><p>Deuxième paragraphe.</p>"
            "<h2>Les idées échangées</h2><p>Troisième paragraphe.</p>"
        ),
        "section": str(section.pk),
        "tags": "Occitanie, Toulouse, Montpellier",
        "published_at_0": "",
        "published_at_1": "",
        "is_open_for_comments": "on",
        "opened_token": "",
    }
    data.update(fields)
    data.update(formset("bylines", list(bylines)))
    data.update(formset("quotes", list(quotes)))
    data.update(formset("notes", list(notes)))
    data.update(formset("comments", []))  # the read-only list of reader comments
    return data


def quote_row(speaker, text, *, ref=None, role="", pull=False):
    """Return a quote's row of the form; with a ref, the body may place it by its marker."""
    row = {"speaker": str(speaker.pk), "role": role, "text": text}
    if ref is not None:
        row["ref"] = str(ref)
    if pull:
        row["is_pull_quote"] = "on"
    return row


@pytest.fixture
def two_speakers(db):
    return (
        Speaker.objects.create(
            full_name="Claire Fontanel", slug="claire-fontanel", role="présidente de Pôle Sud"
        ),
        Speaker.objects.create(
            full_name="Hugo Bastide", slug="hugo-bastide", role="directeur de Numéria"
        ),
    )


def resubmit(response, **changes):
    """Return the POST data of the admin form a response shows, as a browser would send it."""
    from django import forms

    context = response.context
    data = {}
    forms_to_send = [(context["adminform"].form, "")]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        forms_to_send += [(form, "") for form in formset.forms]
    for form, _ in forms_to_send:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(widget, forms.MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                    data[f"{bound.html_name}_{index}"] = sub.format_value(part) or ""
            else:
                formatted = widget.format_value(value)
                data[bound.html_name] = "" if formatted is None else formatted
    data.update(changes)
    return data
