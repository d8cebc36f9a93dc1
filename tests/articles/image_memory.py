"""Run a lead photo through the desk's whole pipeline in a fresh process and print its memory.

Used by tests/articles/test_images.py, and by hand to compare versions:

    DJANGO_SETTINGS_MODULE=newsroom.settings SECRET_KEY=x MEDIA_ROOT=/tmp/m \
        .venv/bin/python -m tests.articles.image_memory photo.png [--module articles.images]

It prints one line of JSON: the resident memory of the loaded project before the photo
(baseline_mb), the highest the process reached (peak_mb, from /proc; maxrss_mb, from
getrusage), the seconds taken, and the renditions made (the photo whole, then each crop by its
ratio) or the messages of the refusal.
"""

import argparse
import importlib
import json
import resource
import time
from pathlib import Path


def resident_mb(field):
    """Return a memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def load_the_project():
    """Import what a worker has loaded once it served the desk: settings, apps, URLs, admin."""
    import django

    django.setup()
    from django.contrib import admin
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 imports every view module, as the first request does
    admin.site.get_urls()


def run_pipeline(path, images):
    """Do what the desk does with an uploaded photo: check, strip, store and resize it."""
    from django import forms
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

    from articles.models import Article

    if path.stat().st_size <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        upload = SimpleUploadedFile(path.name, path.read_bytes())
    else:  # Django writes a larger upload to a temporary file, not to memory
        upload = TemporaryUploadedFile(path.name, "", path.stat().st_size, None)
        with path.open("rb") as photo:
            while chunk := photo.read(1024 * 1024):
                upload.write(chunk)
        upload.seek(0)
    forms.ImageField().clean(upload)  # the form field's own check comes first
    images.validate_lead_image(upload)
    article = Article(headline="Mesure", slug="mesure", lede="Mesure.")
    article.lead_image = images.without_metadata(upload)
    images.store_lead_image(article)
    return article


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", type=Path)
    parser.add_argument("--module", default="articles.images", help="the pipeline to measure")
    arguments = parser.parse_args()
    load_the_project()
    from django.core.exceptions import ValidationError

    images = importlib.import_module(arguments.module)
    baseline = resident_mb("VmRSS")
    started = time.perf_counter()
    try:
        article = run_pipeline(arguments.photo, images)
    except ValidationError as refusal:
        outcome = {"refused": refusal.messages}
    else:
        outcome = {
            ratio: [(r["width"], r["height"]) for r in renditions]
            for ratio, renditions in article.lead_image_renditions.items()
        }
        outcome["renditions"] = outcome.pop(images.ORIGINAL)
    figures = {
        "baseline_mb": round(baseline, 1),
        "peak_mb": round(resident_mb("VmHWM"), 1),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(figures | outcome))  # noqa: T201


if __name__ == "__main__":
    main()
