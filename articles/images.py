"""Lead photos: checked by their content, resized once into the widths the pages ask for."""

import contextlib
import errno
import hashlib
import uuid
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    """Write the lead photo's smaller widths once and return them; if the disk refuses, none."""
    if not article.lead_image:
        return []
    storage = article.lead_image.storage
    written = []
    article.lead_image.open("rb")
    try:
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
                written.append(name)  # before the write: a refused one may leave a part
                name = storage.save(name, ContentFile(buffer.getvalue()))
                renditions.append(
                    {"url": storage.url(name), "width": copy.width, "height": copy.height}
                )
    except OSError:
        remove_files(storage, written)
        raise
    finally:
        article.lead_image.close()
    return renditions


def store_lead_image(article):
    """Write a new lead photo and its widths before the article is saved, all or nothing."""
    # When the disk refuses a write (full, over quota, read-only…), what was written, even in
    # part, is removed, the article gets back the photo it has in the database, and the OSError
    # goes up to the desk, which saves the rest of the article and tells the journalist.
    photo = article.lead_image
    if not photo:  # the photo was taken off the article
        article.lead_image_renditions = []
        return
    storage, field = photo.storage, photo.field
    # A name nothing uses yet, which save() keeps: where a refused write leaves its part.
    name = storage.get_available_name(
        field.generate_filename(article, photo.name), max_length=field.max_length
    )
    try:
        name = storage.save(name, photo.file, max_length=field.max_length)
        setattr(article, field.attname, name)  # commits the file, reads its width and height
        article.lead_image_renditions = make_renditions(article)
    except OSError:
        remove_files(storage, [name])
        restore_lead_image(article)
        raise


def restore_lead_image(article):
    """Give the article back the lead photo it has in the database (or none, if it is new)."""
    fields = ["lead_image", "lead_image_width", "lead_image_height", "lead_image_renditions"]
    saved = type(article)._base_manager.filter(pk=article.pk).values(*fields).first()
    if saved is None:
        saved = dict.fromkeys(fields) | {"lead_image": "", "lead_image_renditions": []}
    for name in fields:  # the photo first: assigning it computes the sizes again
        setattr(article, name, saved[name])


def remove_files(storage, names):
    """Remove what a refused write may have left; nothing to remove is fine."""
    for name in names:
        with contextlib.suppress(OSError):  # a disk that refuses writes may refuse this too
            if storage.exists(name):
                storage.delete(name)


DISK_REFUSALS = {
    errno.ENOSPC: gettext_lazy("the server’s disk is full"),
    errno.EDQUOT: gettext_lazy("the server’s storage quota is used up"),
    errno.EFBIG: gettext_lazy("the server’s disk refuses a file this large"),
    errno.EROFS: gettext_lazy("the server’s disk is read-only"),
    errno.EACCES: gettext_lazy("the server is not allowed to write to its disk"),
    errno.EPERM: gettext_lazy("the server is not allowed to write to its disk"),
}


def refusal_message(error):
    """Tell the journalist, in a sentence, that the disk refused the photo and what was kept."""
    reason = DISK_REFUSALS.get(error.errno) or _("the server’s disk refused it (%(error)s)") % {
        "error": error.strerror or error
    }
    return _(
        "The photo could not be stored: %(reason)s. The article was saved without the new "
        "photo; try again, and tell the technical team if it happens again."
    ) % {"reason": reason}
