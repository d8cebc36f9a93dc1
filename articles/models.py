"""What the newsroom publishes: sections, bylines, speakers and their quotes, articles, photos."""

import datetime as dt
import re
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.search_text import FILL_BATCH, SEARCHED_FIELDS, search_text_of
from articles.search_text import fill as fill_search_text
from newsroom.formats import moment
from pagecache.writes import InvalidatingModel, InvalidatingQuerySet

# What a journalist may put in an article body; the same list drives the editor's toolbar
# and the nh3 allow-list applied on the server.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Where each quote stands, an empty <blockquote data-quote="ref">: its editor node is
    # static/js/quote-marker.js, its allow-list articles/markers.py (see newsroom/settings.py).
    "QuoteMarker": True,
    # Where a photo of the library stands, an empty <figure data-photo="id">: its editor node is
    # static/js/photo-marker.js, its allow-list articles/markers.py.
    "PhotoMarker": True,
}


class SanitizedRichTextField(ProseEditorField):
    """A prose-editor field sanitised whenever it is saved, whatever the caller."""

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


class Section(InvalidatingModel):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on the section page.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in this order in the menu.")
    )

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(InvalidatingModel):
    """A byline: a journalist, a contributor or an agency."""

    name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text=_("The desk account of this journalist, if they have one."),
    )
    is_agency = models.BooleanField(
        _("is an agency"), default=False, help_text=_("A press agency rather than a person.")
    )
    bio = models.TextField(_("short biography"), blank=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Organisation(InvalidatingModel):
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Speaker(InvalidatingModel):
    """A person quoted in articles."""

    full_name = models.CharField(_("full name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    role = models.CharField(
        _("current role"),
        max_length=255,
        blank=True,
        help_text=_(
            "Pre-fills new quotes; quotes already published keep the role they were given."
        ),
    )
    bio = models.TextField(_("short biography"), blank=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("articles:speaker", kwargs={"slug": self.slug})

    def role_and_organisation(self):
        """Return the current role and the organisation, naming the organisation only once."""
        organisation = self.organisation.name if self.organisation else ""
        if organisation and _plain(organisation) in _plain(self.role):
            organisation = ""  # "présidente de Cap Lez Numérique" says it already
        return ", ".join(part for part in (self.role, organisation) if part)


def _plain(text):
    """Return the text as compared for a name in it: case and apostrophes' shapes aside."""
    return text.replace("\u2019", "'").casefold()


class TrashQuerySet(models.QuerySet):
    """What goes to the trash when deleted from the desk: articles and comments."""

    def in_trash(self):
        return self.filter(deleted_at__isnull=False)

    def trashed_before(self, moment):
        """Return what was moved to the trash before the moment: the purge's rows."""
        return self.filter(deleted_at__lt=moment)


class CurrentManager(models.Manager):
    """Leave out what is in the trash: every page, feed, queue, count and related list does."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Trashable(models.Model):
    """Deleting from the desk moves to the trash; `manage.py purge_deleted` deletes for good
    after SOFT_DELETE_DAYS. `objects` leaves the trash out; `all_objects` is for the desk and the
    purge (each model sets both, from its own queryset)."""

    deleted_at = models.DateTimeField(
        _("moved to the trash"), null=True, blank=True, editable=False
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the trash by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def is_in_trash(self):
        return self.deleted_at is not None


class ArticleQuerySet(InvalidatingQuerySet, TrashQuerySet):
    def published(self, *, at=None):
        """Return what a reader may see: published, due, not under embargo, not in the trash
        (`at`: what readers will see then, for the desk's preview of the front page)."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__lte=at or timezone.now(),
            is_embargoed=False,
            deleted_at__isnull=True,
        )

    def pinned(self, *, at=None):
        """Return la une: the published articles editors pinned to the front page, in their
        order (position, then the one pinned last), their pin not yet expired."""
        return (
            self.published(at=at)
            .filter(pinned_position__isnull=False)
            .filter(Q(pinned_until__isnull=True) | Q(pinned_until__gt=at or timezone.now()))
            .order_by("pinned_position", "-pinned_at")
        )

    def scheduled(self):
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__gt=timezone.now(),
            is_embargoed=False,
            deleted_at__isnull=True,
        )

    def in_state(self, state):
        """Return the articles in one of the desk's states (Article.State)."""
        State, Status = Article.State, Article.Status
        current = self.filter(deleted_at__isnull=True)
        published = current.filter(status=Status.PUBLISHED)
        return {
            State.DRAFT: lambda: current.filter(status=Status.DRAFT),
            State.READY: lambda: current.filter(status=Status.READY),
            State.SCHEDULED: self.scheduled,
            State.EMBARGOED: lambda: published.filter(is_embargoed=True),
            State.ONLINE: self.published,
            State.UNPUBLISHED: lambda: current.filter(status=Status.UNPUBLISHED),
            State.TRASH: self.in_trash,
        }[state]()

    def ready_for_review(self):
        return self.filter(status=Article.Status.READY)

    # Every write of the searched text writes `search_text` with it (articles/search_text.py).

    def update(self, **kwargs):
        if SEARCHED_FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # The rows as the filter finds them before the update, which may change what it finds.
            changed = list(self.values_list("pk", flat=True).order_by())
            count = super().update(**kwargs)
            self._refresh_search_text(changed)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for article in objs:
            article.refresh_search_text()
        update_fields = kwargs.get("update_fields") or ()
        if not SEARCHED_FIELDS.isdisjoint(update_fields):  # an upsert rewriting the text
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, "search_text"]))
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if SEARCHED_FIELDS.isdisjoint(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs = list(objs)
        with transaction.atomic(using=self.db):
            count = super().bulk_update(objs, fields, *args, **kwargs)
            # From the rows, not the instances: those may lack the fields they did not change.
            self._refresh_search_text([article.pk for article in objs])
        return count

    def _refresh_search_text(self, pks):
        for start in range(0, len(pks), FILL_BATCH):
            fill_search_text(
                self.model._base_manager.filter(pk__in=pks[start : start + FILL_BATCH])
            )


# How a credit that already says what it is starts.
CREDIT_LABEL = re.compile(r"(?:(?:photos?|crédits?|credits?)\b|©)", re.IGNORECASE)


def credit_is_labelled(credit):
    """Tell whether a photo credit already says what it is ("Photo : AFP", "© Ville de Rodez")."""
    return CREDIT_LABEL.match(credit.strip()) is not None


class Article(InvalidatingModel, Trashable):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class State(models.TextChoices):
        """Where the article stands, as the desk tells it: computed from the status, the
        publication time, the embargo and the trash, never stored."""

        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for review")
        SCHEDULED = "scheduled", _("Scheduled")
        EMBARGOED = "embargoed", _("Under embargo")
        ONLINE = "online", _("Online")
        UNPUBLISHED = "unpublished", _("Unpublished")
        TRASH = "trash", _("In the trash")

    kicker = models.CharField(
        _("kicker"), max_length=80, blank=True, help_text=_("A few words above the headline.")
    )
    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        help_text=_("Used in the address; old addresses keep working when it changes."),
    )
    lede = models.TextField(
        _("lede"), max_length=600, help_text=_("Two sentences that sum up the story.")
    )
    lead_image = models.ImageField(
        _("lead photo"),
        upload_to="lead/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
        help_text=_("JPEG, PNG or WebP."),
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The photo's widths and its crops, by ratio (articles/images.py make_renditions).
    lead_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    lead_image_caption = models.CharField(
        _("caption"), max_length=300, blank=True, help_text=_("What the photo shows.")
    )
    lead_image_credit = models.CharField(
        _("photo credit"), max_length=120, blank=True, help_text=_("Photographer or agency.")
    )
    lead_image_alt = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the photo for readers who cannot see it."),
    )
    # Where the photo's subject is, as fractions of its width and height from the top left:
    # the crops that cards and search engines ask for are cut around it.
    lead_image_focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Click the photo to set where its subject is: crops keep that point in."),
    )
    lead_image_focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    body = SanitizedRichTextField(
        _("body"),
        extensions=BODY_EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_("Use level 2 headings for subheads."),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Byline", related_name="articles", blank=True
    )
    tags = TaggableManager(_("tags"), blank=True, help_text=_("Regions, cities, organisations."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article; readers see it from then on."),
    )
    first_published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When readers could first see the article; re-publishing keeps it."),
    )
    republished_at = models.DateTimeField(
        _("last re-published"), null=True, blank=True, editable=False
    )
    is_embargoed = models.BooleanField(
        _("under embargo"),
        default=False,
        help_text=_("Keeps the article off every public page, whatever its status."),
    )
    is_open_for_comments = models.BooleanField(_("comments open"), default=True)
    is_excluded_from_rankings = models.BooleanField(
        _("kept out of the rankings"),
        default=False,
        help_text=_(
            "For an obituary or a sensitive story: never listed as most read or commented."
        ),
    )
    # La une: the editors' choice of what leads the home page. Position 1 leads; two articles at
    # one position show the one pinned last first. Unpinned at `pinned_until`.
    pinned_position = models.PositiveSmallIntegerField(
        _("position on the front page"),
        null=True,
        blank=True,
        choices=[(n, n) for n in range(1, 6)],
        help_text=_("1 leads the home page; leave empty for the latest stories' order."),
    )
    pinned_until = models.DateTimeField(
        _("pinned until"),
        null=True,
        blank=True,
        help_text=_("Empty: until an editor unpins it."),
    )
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True, editable=False)
    review_note = models.TextField(
        _("note from the editor"),
        blank=True,
        help_text=_("Why the article was sent back to its author."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The words readers search, weighted (headline, then kicker and lede, then body): written by
    # PostgreSQL itself whenever the text is (migration 0009's trigger); empty on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    # The same words in lower case and without accents, for the search on SQLite ("poles" finds
    # "pôles"): kept current with the text on every write.
    search_text = models.TextField(default="", editable=False)
    # Changes on every save from the desk; a form carrying an older token is refused.
    edit_token = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = CurrentManager.from_queryset(ArticleQuerySet)()  # related managers use it too
    all_objects = ArticleQuerySet.as_manager()  # the trash included: the desk and the purge

    class Meta:
        # Plain, so that the index serves it; the desk sorts drafts (no time yet) itself.
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("preview_article", _("Can preview unpublished articles")),
        ]
        indexes = [
            # Every public listing: published() newest first, as Meta.ordering sorts.
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            # The home page's pins: a handful of rows at most.
            models.Index(
                fields=["pinned_position"],
                condition=Q(pinned_position__isnull=False),
                name="article_pinned_idx",
            ),
            # The desk's trash and the purge. Partial: it holds the trash only, and a reader's
            # query ("not in the trash") is never tempted by it.
            models.Index(
                fields=["deleted_at"],
                condition=Q(deleted_at__isnull=False),
                name="article_trash_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(lead_image_focal_x__gte=0, lead_image_focal_x__lte=1)
                & Q(lead_image_focal_y__gte=0, lead_image_focal_y__lte=1),
                name="focal_point_inside_photo",
                violation_error_message=_("The focal point must lie inside the photo."),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # `search_text` is derived from the text, as PostgreSQL's trigger derives search_document.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not SEARCHED_FIELDS.isdisjoint(update_fields):
            self.refresh_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug, "pk": self.pk})

    def refresh_search_text(self):
        """Write the search text from the text as saving stores it: the body sanitised."""
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        self.search_text = search_text_of(self)

    @property
    def credit_is_labelled(self):
        """Tell whether the photo credit already says what it is ("Photo : AFP", "© Ville de
        Rodez"): the page then shows it as typed, without a second "Photo :"."""
        return credit_is_labelled(self.lead_image_credit)

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and not self.is_embargoed
            and self.deleted_at is None
        )

    is_published.boolean = True
    is_published.short_description = _("visible to readers")

    @property
    def state(self):
        """Return the article's Article.State: only ONLINE is an article readers see."""
        if self.deleted_at is not None:
            return self.State.TRASH
        if self.status != self.Status.PUBLISHED:
            return self.State(self.status)  # draft, ready, unpublished: the same names
        if self.is_embargoed:
            return self.State.EMBARGOED
        if self.published_at is None or self.published_at > timezone.now():
            return self.State.SCHEDULED
        return self.State.ONLINE

    def describe_state(self):
        """Return the state in words: "Scheduled for 5 December at 7:00" (Paris time)."""
        if self.state == self.State.SCHEDULED:
            return gettext("Scheduled for %(moment)s") % {"moment": moment(self.published_at)}
        return self.state.label

    @property
    def comments_close_at(self):
        """Return when comments close by themselves (COMMENTS_CLOSE_AFTER_DAYS after the
        publication), or None if they never do, or are closed already by the switch."""
        days = settings.COMMENTS_CLOSE_AFTER_DAYS  # 0: comments never close by themselves
        if not days or not self.is_open_for_comments or self.published_at is None:
            return None
        return self.published_at + dt.timedelta(days=days)

    @property
    def accepts_comments(self):
        """Tell whether readers may still comment: the article's switch, and its age."""
        if not self.is_open_for_comments or self.published_at is None:
            return False
        closes = self.comments_close_at
        return closes is None or timezone.now() < closes

    @property
    def revised_at(self):
        """Return when the article last changed for its readers after its publication, or None."""
        # Shown as "updated": a correction, clarification or update note, or a re-publication;
        # never a plain editor's note, nor anything dated before the publication.
        times = [
            note.created_at
            for note in self.notes.all()  # prefetched on the page
            if note.kind != EditorialNote.Kind.NOTE
        ]
        if self.republished_at:
            times.append(self.republished_at)
        latest = max(times, default=None)
        if latest is None or self.published_at is None or latest <= self.published_at:
            return None
        return latest

    def pull_quote(self):
        return next((quote for quote in self.quotes.all() if quote.is_pull_quote), None)

    def speakers(self):
        """Return each quoted speaker once, with the role given in their first quote."""
        seen = {}
        for quote in self.quotes.all():
            seen.setdefault(quote.speaker_id, quote)
        return list(seen.values())


def next_change():
    """Return when the next scheduled article goes public or the next pin of la une expires, or
    None: cached pages last until then."""
    publication = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    expiry = (
        Article.objects.pinned()
        .filter(pinned_until__isnull=False)
        .order_by("pinned_until")
        .values_list("pinned_until", flat=True)
        .first()
    )
    return min(filter(None, [publication, expiry]), default=None)


def public_comments():
    """Return the comments readers see, by the comments app's one definition of it
    (Comment.objects.public()), reached through the relation: articles imports no comments."""
    return Article._meta.get_field("comments").related_model.objects.public()


def public_tags():
    """Return the tags of articles readers may see: a tag used on drafts alone stays unknown."""
    return Tag.objects.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))


class Byline(InvalidatingModel):
    """An author of an article, in the order the byline lists them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author"),
        ]

    def __str__(self):
        return str(self.author)


class Quote(InvalidatingModel):
    """Words a speaker said, as quoted in one article, with the role they held then."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="quotes"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="quotes"
    )
    role = models.CharField(
        _("role when quoted"),
        max_length=255,
        blank=True,
        help_text=_("Left empty, the speaker's current role is used; it is then kept as written."),
    )
    text = models.TextField(_("quoted words"), max_length=2000)
    # The body holds a marker naming this ref where the quote stands (articles/rendering.py), so
    # that the quote keeps its place however the paragraphs around it move.
    ref = models.UUIDField(_("reference in the body"), default=uuid.uuid4)
    is_pull_quote = models.BooleanField(
        _("pull quote"), default=False, help_text=_("Shown in large type within the article.")
    )

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        # The order they were written in; the page and the history follow the body's markers.
        ordering = ["pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(is_pull_quote=True),
                name="one_pull_quote_per_article",
                violation_error_message=_("An article has at most one pull quote."),
            ),
            models.UniqueConstraint(fields=["article", "ref"], name="one_marker_ref_per_article"),
        ]

    def __str__(self):
        return f"{self.speaker} – {Truncator(self.text).words(12)}"


class EditorialNote(InvalidatingModel):
    """A dated note, correction, clarification or update shown at the foot of an article."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Editor's note")
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"), max_length=2000)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("editor's note or correction")
        verbose_name_plural = _("editor's notes and corrections")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class Photo(InvalidatingModel):
    """A photo of the library, uploaded once and shown in the body of any article."""

    image = models.ImageField(
        _("photo"),
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP."),
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The photo's widths and its crops, by ratio, as a lead photo's (articles/images.py).
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, help_text=_("What the photo shows.")
    )
    credit = models.CharField(
        _("photo credit"), max_length=120, blank=True, help_text=_("Photographer or agency.")
    )
    # Required: a photo in the text must be described to readers who cannot see it.
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("Describes the photo for readers who cannot see it."),
    )
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Click the photo to set where its subject is: crops keep that point in."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("library photo")
        verbose_name_plural = _("photo library")
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1) & Q(focal_y__gte=0, focal_y__lte=1),
                name="library_focal_point_inside_photo",
                violation_error_message=_("The focal point must lie inside the photo."),
            ),
        ]

    def __str__(self):
        return self.caption or self.alt

    @property
    def focal_point(self):
        return (self.focal_x, self.focal_y)

    @property
    def credit_is_labelled(self):
        """Tell whether the credit already says what it is: shown as typed, without "Photo :"."""
        return credit_is_labelled(self.credit)


class HourlyViews(models.Model):
    """Views of an article during one hour, counted from the reader's beacon."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hourly_views")
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hourly views")
        verbose_name_plural = _("hourly views")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="one_count_per_article_hour")
        ]
        indexes = [
            # Rankings ("most read" over a window) and the roll-up: every count since a time.
            models.Index(fields=["hour", "article"], name="hourly_views_window_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}h: {self.views}"


class DailyViews(models.Model):
    """Views of an article during one day: hourly counts rolled up once they are old."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_count_per_article_day")
        ]
        indexes = [
            # Rankings over long windows, and the article's chart in the desk.
            models.Index(fields=["day", "article"], name="daily_views_window_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.day}: {self.views}"


class AppliedViewBatch(models.Model):
    """A batch of view counts moved from Redis, recorded in the same transaction as the counts.

    A flush killed after its transaction committed finds its batch here on the next run and
    does not count it twice.
    """

    batch = models.CharField(max_length=64, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch
