"""Photos (lead and library): checked by their content, resized once into the widths pages ask."""

import contextlib
import errno
import hashlib
import math
import uuid
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (480, 800, 1200)
# What Article.lead_image_renditions holds: the photo whole ("original", its own ratio) and its
# crops, each a list of {"url", "width", "height"}, narrowest first. Cards show a crop, the
# article page the photo whole, search engines all three crops (schema.org NewsArticle asks for
# 16x9, 4x3 and 1x1). Each crop is cut around the focal point the journalist set in the desk.
ORIGINAL = "original"
CROPS = {"16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1)}

# Memory. What a photo costs a worker is its pixels, whatever the file weighs: a 100 KB PNG can
# declare 40 megapixels. So its size is read from the header and checked before any pixel is
# decoded: each pixel costs, at the pipeline's worst step, the bytes below (measured with
# tests/articles/image_memory.py), the file itself twice more (the upload and its re-encoding,
# which the desk holds until the article is saved), and the whole must fit in MAX_PHOTO_MEMORY,
# which keeps a worker of about 80 MB under 250 MB (tests/articles/test_images.py measures it).
MAX_PHOTO_MEMORY = 150 * 1024 * 1024
# The decoded photo (4 bytes a pixel: Pillow keeps RGB in 4) and, for a PNG, the smaller working
# copy its widths are made from; for a WebP, libwebp's own canvas and frame besides, and its
# encoder's buffers.
BYTES_PER_PIXEL = {"JPEG": 5, "PNG": 6, "WEBP": 32}
# The decoded photo and its copy turned upright (or converted from CMYK), side by side.
BYTES_PER_PIXEL_TWICE = 8
BAND_ROWS = 256  # rows converted at a time while a photo is shrunk: a few MB, never the photo

# EXIF orientations, and how to turn a photo so that it is upright.
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SIDEWAYS = {
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
}

# What makes a photo cost more than a plain JPEG or PNG, as the journalist is told it.
COSTLIER_KINDS = {
    "webp": gettext_lazy("a WebP photo"),
    "progressive": gettext_lazy("a progressive JPEG"),
    "cmyk": gettext_lazy("a photo in CMYK colours"),
    "turned": gettext_lazy("a photo that must be turned upright"),
}


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
        with Image.open(upload) as image:  # reads the header, not the pixels
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Photos must be JPEG, PNG or WebP; this file is %(format)s.")
                    % {"format": image.format}
                )
            width, height = image.size
            per_pixel, kind = memory_per_pixel(image)
            image.verify()
    except Image.DecompressionBombError as exc:  # over Pillow's own limit, far over ours
        raise ValidationError(
            _("The photo is too large: the limit is %(limit)s megapixels.")
            % {"limit": megapixels(MAX_PHOTO_MEMORY / BYTES_PER_PIXEL["JPEG"], down=True)}
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("This file is not a readable image.")) from exc
    finally:
        upload.seek(position)
    room = MAX_PHOTO_MEMORY - 2 * upload.size  # what the pixels may take
    if width * height * per_pixel > room:
        values = {
            "megapixels": megapixels(width * height),
            "limit": megapixels(max(room, 0) / per_pixel, down=True),
        }
        if kind is None:
            message = _(
                "The photo is too large: %(megapixels)s megapixels; the limit is %(limit)s "
                "megapixels."
            )
        else:
            values["kind"] = COSTLIER_KINDS[kind]
            message = _(
                "The photo is too large: %(megapixels)s megapixels; the limit is %(limit)s "
                "megapixels for %(kind)s."
            )
        raise ValidationError(message % values)


def memory_per_pixel(image):
    """Return what each pixel of a just-opened photo costs, in bytes, and what makes it costly."""
    costs = [(BYTES_PER_PIXEL[image.format], "webp" if image.format == "WEBP" else None)]
    if image.format == "JPEG" and image.info.get("progressive"):
        # libjpeg keeps every DCT coefficient of a progressive JPEG while it decodes: 2 bytes
        # for each sample of each component (3 a pixel when colour is halved both ways, 6 if not).
        h_max = max(h for _, h, _, _ in image.layer)
        v_max = max(v for _, _, v, _ in image.layer)
        samples = sum(h * v for _, h, v, _ in image.layer) / (h_max * v_max)
        costs.append((4 + 2 * samples, "progressive"))
    if needs_rgb(image):
        costs.append((BYTES_PER_PIXEL_TWICE, "cmyk"))
    if turn_upright(image) is not None:
        costs.append((BYTES_PER_PIXEL_TWICE, "turned"))
    return max(costs, key=lambda cost: cost[0])


def megapixels(pixels, *, down=False):
    """Return a number of pixels in megapixels, to a tenth, as the desk's language writes it."""
    tenths = pixels / 100_000
    return number_format((math.floor(tenths) if down else round(tenths)) / 10, decimal_pos=1)


def turn_upright(image):
    """Return how to turn a just-opened photo upright, from its header (None: it is upright)."""
    # Image.getexif() of Image itself reads what the header gave; a PNG's own getexif() would
    # decode every pixel to look for an EXIF chunk after them, before the size is checked.
    orientation = Image.Image.getexif(image).get(ExifTags.Base.Orientation)
    return TURNS.get(orientation)


def needs_rgb(image):
    """Tell whether a JPEG must be converted to RGB to be shown (CMYK…): grey and RGB need not."""
    return image.format == "JPEG" and image.mode not in ("RGB", "L")


def one_copy(previous, image):
    """Return image, once the pixels of previous are freed: one full-size copy at a time."""
    if image is not previous:
        # Image.close() of Image itself: an opened photo's own close() would also close the
        # file it was read from, which belongs to the caller (the upload, the stored photo).
        Image.Image.close(previous)
    return image


def without_metadata(upload):
    """Return the photo re-encoded without its metadata (GPS position…), under a random name."""
    upload.seek(0)
    with Image.open(upload) as source:
        image_format = source.format
        turn = turn_upright(source)
        # Loaded here, not by save(): save() would load a copy of the photo as well.
        source.load()
        image = source
        if needs_rgb(image):
            image = one_copy(image, image.convert("RGB"))
        if turn is not None:
            image = one_copy(image, image.transpose(turn))
        buffer = BytesIO()
        options = {"quality": 92} if image_format in ("JPEG", "WEBP") else {}
        image.save(buffer, image_format, **options)  # no exif=: nothing but the pixels is kept
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    buffer.seek(0)
    return File(buffer, name=f"{uuid.uuid4().hex}.{extension}")  # File: the bytes, not a copy


def rendition_sizes(width, height):
    """Return the (width, height) of each rendition of an upright photo: none wider than it."""
    sizes = [(target, max(1, round(target * height / width))) for target in RENDITION_WIDTHS]
    return [size for size in sizes if size[0] < width] or [(width, height)]


def crop_box(width, height, focal, ratio):
    """Return the largest box of the ratio in the photo, centred on the focal point if it can be."""
    # (left, top, right, bottom) in the upright photo's pixels. Near an edge the box stops at the
    # edge rather than leave the photo: the focal point is then off centre, but always inside.
    across, down = ratio
    if width * down >= height * across:  # wider than the ratio: the crop takes the full height
        box_width, box_height = max(1, round(height * across / down)), height
    else:
        box_width, box_height = width, max(1, round(width * down / across))
    left = min(max(round(focal[0] * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal[1] * height - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


def crop_sizes(box_width, ratio):
    """Return the (width, height) of each rendition of a crop this wide: none wider than it."""
    across, down = ratio
    widths = [target for target in RENDITION_WIDTHS if target <= box_width]
    if box_width < RENDITION_WIDTHS[-1] and box_width not in widths:
        widths.append(box_width)  # the crop whole: search engines want it as wide as it can be
    return [(target, max(1, round(target * down / across))) for target in widths]


def renditions_of(stored, ratio=ORIGINAL):
    """Return the stored renditions of the photo whole or of one crop (none: an empty list)."""
    if isinstance(stored, list):  # before crops (migration 0012), as an old version holds it
        return stored if ratio == ORIGINAL else []
    return (stored or {}).get(ratio) or []


def srcset(renditions):
    """Return the srcset attribute's value of these renditions: "url 480w, url 800w…"."""
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions)


def card_photo(article, ratio):
    """Return what a card's <img> needs of the lead photo cut at the ratio, or None."""
    # Built once per card from the loaded renditions: no query, no storage call. A photo whose
    # crops are yet to be cut (manage.py cut_crops) shows whole, cut by the card's CSS.
    stored = article.lead_image_renditions
    renditions = renditions_of(stored, ratio) or renditions_of(stored)
    if not renditions:
        return None
    widest = renditions[-1]
    return {
        "src": renditions[0]["url"],
        "srcset": srcset(renditions),
        "width": widest["width"],
        "height": widest["height"],
    }


def working_copy(source, size, least=None):
    """Return the photo upright in RGB, shrunk to no less than size: enough to resize it well."""
    # Shrunk before it is turned, so that no second full-size copy is ever held: a JPEG by
    # libjpeg as it decodes (its scaled decoding filters as well as a resize), any photo by whole
    # factors, band after band of rows, down to twice the size (as Image.thumbnail() does).
    # `least`, the size the crops need of the whole photo, may keep it larger than that, never at
    # the cost of a second full-size copy (a photo to convert to RGB): the crops are then cut from
    # what the photo's widths need, a little smaller.
    turn = turn_upright(source)
    least = least or size
    if turn in SIDEWAYS:  # in the file's own orientation
        size, least = (size[1], size[0]), (least[1], least[0])
    if source.format == "JPEG":
        # libjpeg decodes straight to 1/2, 1/4 or 1/8 of the size, no smaller than the widest
        # rendition or crop: its scaled decoding filters as well as a resize does.
        source.draft("RGB", (max(size[0], least[0]), max(size[1], least[1])))
    wanted = (2 * size[0], 2 * size[1])
    source.load()
    factor = max(1, min(source.width // wanted[0], source.height // wanted[1]))
    sharper = max(1, min(factor, source.width // least[0], source.height // least[1]))
    if sharper > 1 or source.mode == "RGB":  # else converting it would copy it at full size
        factor = sharper
    image = source
    if factor > 1 or source.mode != "RGB":
        image = Image.new("RGB", (-(-source.width // factor), -(-source.height // factor)))
        step = factor * max(1, BAND_ROWS // factor)
        for top in range(0, source.height, step):
            band = source.crop((0, top, source.width, min(top + step, source.height)))
            image.paste(band.convert("RGB").reduce(factor), (0, top // factor))
        image = one_copy(source, image)
    if turn is not None:
        image = one_copy(image, image.transpose(turn))
    return image


def crops_need(boxes):
    """Return the share of the photo the crops need, for their widest rendition to be sharp."""
    return max(
        min(RENDITION_WIDTHS[-1], right - left) / (right - left)
        for left, _top, right, _bottom in boxes.values()
    )


def make_renditions(article, *, crops_only=False):
    """Write the lead photo's widths and crops once and return them; if the disk refuses, none."""
    focal = (article.lead_image_focal_x, article.lead_image_focal_y)
    return make_photo_renditions(
        article.lead_image, focal, article.lead_image_renditions, crops_only=crops_only
    )


def make_photo_renditions(photo, focal, stored=None, *, crops_only=False):
    """Write a stored photo's widths and its crops around the focal point once; return them.

    `photo` is the field's file (a lead photo, a photo of the library), `stored` the renditions
    it has. crops_only: a new focal point; the photo's widths, already written, are kept as they
    are. If the disk refuses, what was written is removed and the OSError goes up.
    """
    if not photo:
        return {}
    storage = photo.storage
    written = []

    def write(image, name, size, box=None):
        rendition = image
        if box is not None or image.size != size:
            rendition = image.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=2.0)
        buffer = BytesIO()
        rendition.save(buffer, "WEBP", quality=82)
        if rendition is not image:
            rendition.close()
        if storage.exists(name):
            storage.delete(name)
        written.append(name)  # before the write: a refused one may leave a part
        name = storage.save(name, ContentFile(buffer.getvalue()))
        return {"url": storage.url(name), "width": size[0], "height": size[1]}

    photo.open("rb")
    try:
        with Image.open(photo) as source:
            width, height = source.size
            if turn_upright(source) in SIDEWAYS:
                width, height = height, width
            sizes = rendition_sizes(width, height)
            boxes = {ratio: crop_box(width, height, focal, shape) for ratio, shape in CROPS.items()}
            need = crops_need(boxes)
            least = (math.ceil(width * need), math.ceil(height * need))
            image = working_copy(source, sizes[-1], least)
            # The working copy's pixels for one of the photo's, across and down.
            scale_x, scale_y = image.width / width, image.height / height
            stored_name = photo.name
            digest = hashlib.sha256(stored_name.encode()).hexdigest()[:16]
            # Crops are named by their focal point too: a new point gives new addresses (no cache
            # shows the old crop), and an earlier version of an article keeps the files it names.
            cut = hashlib.sha256(f"{stored_name} {focal[0]!r} {focal[1]!r}".encode()).hexdigest()[
                :16
            ]
            if crops_only:
                renditions = {ORIGINAL: renditions_of(stored)}
            else:
                renditions = {
                    ORIGINAL: [
                        write(image, f"renditions/{digest}-{size[0]}.webp", size) for size in sizes
                    ]
                }
            for ratio, box in boxes.items():
                # In the working copy's pixels, never past its edges (a float's last digit).
                left, top, right, bottom = box
                within = (
                    left * scale_x,
                    top * scale_y,
                    min(right * scale_x, image.width),
                    min(bottom * scale_y, image.height),
                )
                box_width = max(1, math.floor(within[2] - within[0] + 1e-6))
                renditions[ratio] = [
                    write(
                        image,
                        f"renditions/{cut}-{ratio.replace(':', 'x')}-{size[0]}.webp",
                        size,
                        within,
                    )
                    for size in crop_sizes(box_width, CROPS[ratio])
                ]
    except OSError:
        remove_files(storage, written)
        raise
    finally:
        photo.close()
    return renditions


def refresh_renditions(article):
    """Make the lead photo's widths and crops again, for a photo stored without them (a script)."""
    article.lead_image_renditions = make_renditions(article)
    article.save(update_fields=["lead_image_renditions"])


def refresh_crops(article):
    """Cut the lead photo's crops again and save them, for a photo stored before crops."""
    cut_crops(article)
    article.save(update_fields=["lead_image_renditions"])


def has_crops(article):
    """Tell whether the lead photo's crops are cut (photos stored before crops are not)."""
    return all(renditions_of(article.lead_image_renditions, ratio) for ratio in CROPS)


def store_lead_image(article):
    """Write a new lead photo and its widths before the article is saved, all or nothing."""
    # When the disk refuses a write (full, over quota, read-only…), what was written, even in
    # part, is removed, the article gets back the photo it has in the database, and the OSError
    # goes up to the desk, which saves the rest of the article and tells the journalist.
    photo = article.lead_image
    if not photo:  # the photo was taken off the article
        article.lead_image_renditions = {}
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


def cut_crops(article):
    """Cut the lead photo's crops again around its new focal point, before the article is saved."""
    # If the disk refuses, what was written is removed, the article keeps its previous crops and
    # the OSError goes up to the desk, which saves the rest and tells the journalist.
    if article.lead_image:
        keep = bool(renditions_of(article.lead_image_renditions))
        article.lead_image_renditions = make_renditions(article, crops_only=keep)


def restore_lead_image(article):
    """Give the article back the lead photo it has in the database (or none, if it is new)."""
    fields = ["lead_image", "lead_image_width", "lead_image_height", "lead_image_renditions"]
    saved = type(article)._base_manager.filter(pk=article.pk).values(*fields).first()
    if saved is None:
        saved = dict.fromkeys(fields) | {"lead_image": "", "lead_image_renditions": {}}
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


def crops_refusal_message(error):
    """Tell the journalist, in a sentence, that the disk refused the new crops and what was kept."""
    reason = DISK_REFUSALS.get(error.errno) or _("the server’s disk refused it (%(error)s)") % {
        "error": error.strerror or error
    }
    return _(
        "The photo could not be cut again around its new focal point: %(reason)s. The article "
        "was saved with its previous crops; try again, and tell the technical team if it "
        "happens again."
    ) % {"reason": reason}
