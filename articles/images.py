"""Lead photos: checked by their content, resized once into the widths the pages ask for."""

import hashlib
import uuid
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (480, 800, 1200)
MAX_PIXELS = 40_000_000


def validate_lead_image(upload):
    """Refuse a file whose content is not a JPEG, PNG or WebP image of a sane size."""
    if upload.size > settings.MAX_IMAGE_UPLOAD_SIZE:
        raise ValidationError(
            _("The photo weighs %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1_000_000, 1),
                "limit": round(settings.MAX_IMAGE_UPLOAD_SIZE / 1_000_000, 1),
            }
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not a readable image.")) from exc
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP; this file is %(format)s.")
            % {"format": image_format}
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The photo is too large: at most 40 megapixels."))


def without_metadata(upload):
    """Return the photo re-encoded without its metadata (GPS position…), under a random name."""
    upload.seek(0)
    with Image.open(upload) as source:
        image_format = source.format
        image = ImageOps.exif_transpose(source)
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = BytesIO()
        options = {"quality": 92} if image_format in ("JPEG", "WEBP") else {}
        image.save(buffer, image_format, **options)  # no exif=: nothing but the pixels is kept
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def make_renditions(article):
    """Write the lead photo's smaller widths once and record them on the article."""
    if not article.lead_image:
        return []
    storage = article.lead_image.storage
    article.lead_image.open("rb")
    with Image.open(article.lead_image) as source:
        source = ImageOps.exif_transpose(source).convert("RGB")
        digest = hashlib.sha256(article.lead_image.name.encode()).hexdigest()[:16]
        renditions = []
        for width in RENDITION_WIDTHS:
            if width >= source.width and renditions:
                break
            copy = source.copy()
            copy.thumbnail((min(width, source.width), source.height * 10))
            buffer = BytesIO()
            copy.save(buffer, "WEBP", quality=82)
            name = f"renditions/{digest}-{copy.width}.webp"
            if storage.exists(name):
                storage.delete(name)
            name = storage.save(name, ContentFile(buffer.getvalue()))
            renditions.append(
                {"url": storage.url(name), "width": copy.width, "height": copy.height}
            )
    article.lead_image.close()
    return renditions
