"""The reader's pages. Every listing starts from Article.objects.published()."""

import datetime as dt
from collections import Counter

from csp.decorators import csp_exempt
from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView, dates
from taggit.models import TaggedItem

from articles import images, popularity, publishing, rendering, structured_data
from articles.models import Article, Author, Byline, Quote, Section, Speaker, public_tags
from pagecache import parts
from pagecache.pages import PAGE_NUMBER

RELATED_COUNT = 4
TOP_COUNT = 4  # the stories under the lead: the editors' other pins, then the latest
LATEST_COUNT = 8  # the latest news after them
SECTION_BLOCK_SIZE = 4
SECTION_BLOCK_CANDIDATES = 400


# What no public page shows: the search engine's words (a few kilobytes an article, twice).
NEVER_SHOWN = ("search_document", "search_text")

# The columns of a quote the page shows: no biography nor description of its speaker.
QUOTE_COLUMNS = ("article_id", "role", "text", "ref", "is_pull_quote", "speaker__full_name")
QUOTE_COLUMNS += ("speaker__slug", "speaker__organisation__name")

# Everything an article page shows beside the article, in a fixed number of queries, and only
# the columns it shows.
ARTICLE_DETAILS = (
    Prefetch(
        "bylines",
        Byline.objects.select_related("author").only(
            "article_id", "author__name", "author__slug", "author__is_agency"
        ),
    ),
    Prefetch(
        "quotes",
        Quote.objects.select_related("speaker__organisation").only(*QUOTE_COLUMNS),
    ),
    "notes",
    "tags",
)


def with_article_details(queryset):
    return queryset.select_related("section").prefetch_related(*ARTICLE_DETAILS)


def with_card_details(queryset):
    """Load only what an article card shows (see templatetags/site.py `article_card`)."""
    return queryset.select_related("section").only(
        "slug", "kicker", "headline", "lede", "published_at", "section__name", "section__slug",
        "section__position", "lead_image_renditions", "lead_image_alt",
    )  # fmt: skip


class PublishedArticleMixin:
    def get_queryset(self):
        return with_card_details(Article.objects.published())


class HomeView(TemplateView):
    """La une, the latest news and each section's latest: three queries, kept as a part of the
    page by the listings' version (pagecache/parts.py)."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        key = parts.listings_key("home-lists", get_language())
        found = parts.cached(
            {key: lambda found: render_to_string("articles/home_lists.html", home_lists())},
            timeout=parts.seconds_to_keep,
        )
        return super().get_context_data(lists=mark_safe(found[key]), **kwargs)


def home_lists(*, at=None):
    """Return the home page's stories, none twice: la une (the lead and the top stories: the
    editors' pins in their order, then the latest), the latest news, then each section's latest.

    `at`: the front page as readers will see it then (the desk's preview).
    """
    pins = Article.objects.pinned(at=at).values_list("pk", "pinned_position")[: 1 + TOP_COUNT]
    recent = list(
        Article.objects.published(at=at).values_list("pk", "section_id")[:SECTION_BLOCK_CANDIDATES]
    )
    order = front_page_order(pins, [pk for pk, _ in recent])
    top, latest = order[: 1 + TOP_COUNT], order[1 + TOP_COUNT : 1 + TOP_COUNT + LATEST_COUNT]
    # Each section's latest articles not shown above; a section silent for longer than the few
    # hundred latest articles gets no block.
    above, in_blocks, per_section = {*top, *latest}, [], Counter()
    for pk, section_id in recent:
        if pk not in above and per_section[section_id] < SECTION_BLOCK_SIZE:
            in_blocks.append(pk)
            per_section[section_id] += 1
    shown = with_card_details(Article.objects.filter(pk__in={*top, *latest, *in_blocks}))
    shown = shown.in_bulk()
    blocks = {}
    for pk in in_blocks:
        blocks.setdefault(shown[pk].section, []).append(shown[pk])
    lead = [shown[pk] for pk in top[:1]]
    return {
        "lead": lead,
        "lead_photo": images.card_photo(lead[0], "16:9") if lead else None,
        "top": [shown[pk] for pk in top[1:]],
        "latest": [shown[pk] for pk in latest],
        "section_blocks": sorted(blocks.items(), key=lambda item: (item[0].position, item[0].name)),
    }


def front_page_order(pins, recent):
    """Return the stories of the home page in order: each pin (pk, position) at its position,
    the latest stories at the others. Of two pins at one position, the first (pinned last)
    takes it and the other comes at the next free one, before the latest."""
    slots, queue = {}, []
    for pk, position in pins:
        if position in slots:
            queue.append(pk)
        else:
            slots[position] = pk
    pinned = {*slots.values(), *queue}
    rest = iter([*queue, *(pk for pk in recent if pk not in pinned)])
    order = [slots.get(position) or next(rest, None) for position in range(1, 2 + TOP_COUNT)]
    return [pk for pk in order if pk is not None] + list(rest)


def related_articles(article, tag_ids):
    """Return recent published articles sharing a tag or the section with this one."""
    shares_a_tag = Exists(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=OuterRef("pk"),
            tag_id__in=tag_ids,
        )
    )
    return with_card_details(
        Article.objects.published()
        .filter(Q(section=article.section_id) | shares_a_tag)
        .exclude(pk=article.pk)
    )[:RELATED_COUNT]


class ArticleDetailView(DetailView):
    """An article's page: its own part made once per version, the rest around it.

    The article's own part (the metadata in <head>, the article and its comments) and its "read
    also" are kept as parts of the page (pagecache/parts.py): the own part until any change to
    the article or what it shows, or until its comments close; while it is kept, the page needs
    no query at all. A reader's page with a form in error, and the desk's preview, are made
    afresh.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        self.object = self.article_as_kept() or self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        # Called when the article's own part is not kept: all it shows, in one query.
        article = get_object_or_404(
            Article.objects.select_related("section").defer(*NEVER_SHOWN), pk=self.kwargs["pk"]
        )
        if not article.is_published():
            raise Http404
        return article

    @cached_property
    def part_keys(self):
        """The keys of the article's own part and of its "read also"."""
        site = f"{self.request.scheme}://{self.request.get_host()}"
        pk = self.kwargs.get("pk") or self.object.pk
        return parts.article_keys(pk, language=get_language(), site=site)

    def article_as_kept(self):
        """Return the article as its kept part saw it (enough to serve the page), or None."""
        self.found = parts.read(self.part_keys)
        own_key = self.part_keys[0]
        own = self.found.get(own_key)
        if own and own["comments_close"] and own["comments_close"] <= timezone.now():
            del self.found[own_key]  # made with the form: make it again without
            own = None
        return own and own["article"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"] = self.page_parts(
            context, cached=not context.get("is_preview") and "comment_form" not in context
        )
        return context

    def page_parts(self, context, *, cached):
        """Return the article's own part (head, main) and "read also", as safe HTML."""
        own, related = self.part_keys
        found = parts.cached(
            {
                own: lambda found: self.render_own(context),
                related: lambda found: render_to_string(
                    "articles/article_related.html",
                    {"related": related_articles(found[own]["article"], found[own]["tag_ids"])},
                ),
            },
            enabled=cached,
            found=getattr(self, "found", None),
            timeout=parts.seconds_to_keep,
        )
        # Rendered by templates, which escaped what they show.
        return {
            "head": mark_safe(found[own]["head"]),
            "main": mark_safe(found[own]["main"]),
            "related": mark_safe(found[related]),
        }

    def render_own(self, context):
        article = self.object  # loaded whole by get_object, the preview or the comment form
        prefetch_related_objects([article], *ARTICLE_DETAILS)
        context = context | {
            "article": article,
            "blocks": rendering.compose(
                article.body, article.quotes.all(), rendering.body_photos(article.body)
            ),
            "json_ld": structured_data.news_article(article, self.request),
        }
        return {
            "head": render_to_string("articles/article_head.html", context, self.request),
            "main": render_to_string("articles/article_main.html", context, self.request),
            "tag_ids": [tag.pk for tag in article.tags.all()],
            # What the page shows around its parts, and what "read also" needs.
            "article": Article(
                pk=article.pk,
                slug=article.slug,
                headline=article.headline,
                section_id=article.section_id,
                published_at=article.published_at,
            ),
            # The form is in this part: it must go once comments close by themselves.
            "comments_close": article.comments_close_at if article.accepts_comments else None,
        }


class FrontPagePreviewForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Front page at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Paris time; empty: now."),
    )

    def clean_at(self):
        moment = self.cleaned_data["at"]
        if moment is not None and moment < timezone.now() - dt.timedelta(minutes=1):
            raise forms.ValidationError(_("Choose a time to come: the past front page is gone."))
        return moment


@staff_member_required
def front_page_preview(request):
    """Show the desk the home page as readers will see it at a time to come (now by default):
    the articles scheduled by then, the pins expired by then."""
    if not request.user.has_perm("articles.preview_article"):
        raise PermissionDenied
    form = FrontPagePreviewForm(request.GET or None)
    moment = form.cleaned_data["at"] if form.is_valid() and form.cleaned_data["at"] else None
    lists = render_to_string("articles/home_lists.html", home_lists(at=moment))
    context = {"lists": mark_safe(lists), "preview_form": form, "preview_at": moment}
    response = render(request, "articles/home.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
def preview(request, pk):
    """Show any article, whatever its status, to desk members allowed to preview it."""
    # The trash too: the desk looks at an article before restoring it.
    article = get_object_or_404(with_article_details(Article.all_objects.all()), pk=pk)
    if not publishing.can_preview(request.user, article):
        raise PermissionDenied
    view = ArticleDetailView(request=request, object=article, kwargs={})
    context = view.get_context_data(object=article, is_preview=True)
    response = view.render_to_response(context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class ListedInParts:
    """A listing whose list (its cards or quotes, and the links to other pages) is a part of the
    page, kept by the listings' version (pagecache/parts.py): a page seen before reads only what
    it is the listing of (a section, a tag, an author, a speaker)."""

    list_template = "includes/article_list.html"

    def get_context_data(self, **kwargs):
        number = self.request.GET.get(self.page_kwarg, "1")

        def make(found):
            context = super(ListedInParts, self).get_context_data()  # 404 on a page out of range
            html = render_to_string(self.list_template, context, self.request)
            return {"html": html, "number": context["page_obj"].number}

        if PAGE_NUMBER["page"].fullmatch(number):  # as the page cache keeps them
            key = parts.listings_key("list", get_language(), self.request.path, number)
            listing = parts.cached({key: make}, timeout=parts.seconds_to_keep)[key]
        else:
            listing = make({})  # "last", or a number written another way: not kept
        return {
            **kwargs,
            "view": self,
            "listing": mark_safe(listing["html"]),
            "page_number": listing["number"],
        }


class SectionView(ListedInParts, PublishedArticleMixin, ListView):
    template_name = "articles/section.html"
    paginate_by = 20

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ListedInParts, PublishedArticleMixin, ListView):
    template_name = "articles/tag.html"
    paginate_by = 20

    def get_queryset(self):
        self.tag = get_object_or_404(public_tags(), slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ListedInParts, PublishedArticleMixin, ListView):
    template_name = "articles/author.html"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SpeakerView(ListedInParts, ListView):
    template_name = "articles/speaker.html"
    list_template = "articles/speaker_quotes.html"
    paginate_by = 20
    context_object_name = "quotes"

    def get_queryset(self):
        self.speaker = get_object_or_404(
            Speaker.objects.select_related("organisation"), slug=self.kwargs["slug"]
        )
        return (
            Quote.objects.filter(speaker=self.speaker, article__in=Article.objects.published())
            .select_related("article__section")
            .defer("article__body", *(f"article__{name}" for name in NEVER_SHOWN))
            .order_by("-article__published_at", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(speaker=self.speaker, **kwargs)


def archive_months():
    """Return each year with published articles, newest first, with its months and their counts:
    one query, grouped by month in Paris time."""
    counts = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    years = {}
    for month, count in counts:
        years.setdefault(month.year, []).insert(0, (month.date(), count))  # January first
    return [
        {"year": year, "count": sum(count for _, count in months), "months": months}
        for year, months in years.items()
    ]


class ArchivesView(TemplateView):
    """The archives' index: every month with published articles, by year, kept as a part of the
    page by the listings' version (pagecache/parts.py)."""

    template_name = "articles/archives.html"

    def get_context_data(self, **kwargs):
        key = parts.listings_key("archive-months")
        found = parts.cached({key: lambda found: archive_months()}, timeout=parts.seconds_to_keep)
        return super().get_context_data(years=found[key], **kwargs)


class ArchiveMixin(PublishedArticleMixin):
    """A period of the archives: from the first published article's month to the current one,
    in Paris time; any other is not found, even where it has no article (an empty month within
    is a page all the same)."""

    date_field = "published_at"
    paginate_by = 20
    make_object_list = True
    allow_empty = True
    template_name = "articles/archive.html"

    @cached_property
    def months_covered(self):
        """Return the first month and the last (the current one) the archives cover."""
        first = (
            Article.objects.published()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        if first is None:
            raise Http404
        return timezone.localdate(first).replace(day=1), timezone.localdate().replace(day=1)

    def check_covered(self, year, month=None):
        first, last = self.months_covered
        if month is None:
            covered = first.year <= year <= last.year
        else:
            covered = (first.year, first.month) <= (year, month) <= (last.year, last.month)
        if not covered:
            raise Http404


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    def get_dated_items(self):
        self.check_covered(int(self.get_year()))
        return super().get_dated_items()

    def get_previous_year(self, date):
        previous = super().get_previous_year(date)  # the year before, articles or not
        return previous if previous and previous.year >= self.months_covered[0].year else None


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    month_format = "%m"

    def get_dated_items(self):
        self.check_covered(int(self.get_year()), int(self.get_month()))
        return super().get_dated_items()

    def get_previous_month(self, date):
        previous = super().get_previous_month(date)  # the month before, articles or not
        return previous if previous and previous >= self.months_covered[0] else None

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return []  # the days of the month that have articles: the page does not list them


@csrf_exempt  # a beacon carries no form; it changes nothing but a counter
@csp_exempt()  # nor anything a policy could apply to
@require_POST
def view_beacon(request, pk):
    """Count a view of a published article, sent by the page's script once it was shown."""
    popularity.count_view(request, pk)
    return HttpResponse(status=204, headers={"Cache-Control": "no-store"})


def rankings(request):
    """Show the full rankings over a window, for the whole site or one section."""
    window = request.GET.get("fenetre", "24h")
    if window not in popularity.WINDOWS:
        window = "24h"
    section = None
    if request.GET.get("rubrique"):
        section = get_object_or_404(Section, slug=request.GET["rubrique"])
    days = popularity.WINDOWS[window]
    context = {
        "window": window,
        "windows": list(popularity.WINDOWS),
        "section": section,
        "most_read": popularity.most_read(days, section=section, limit=20),
        "most_commented": popularity.most_commented(days, section=section, limit=20),
    }
    return render(request, "articles/rankings.html", context)
