"""The reader's pages. Every listing starts from Article.objects.published()."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView, dates
from taggit.models import Tag, TaggedItem

from articles import popularity, publishing, rendering, structured_data
from articles.models import Article, Author, Byline, Quote, Section, Speaker

RELATED_COUNT = 4
SECTION_BLOCK_SIZE = 4
SECTION_BLOCK_CANDIDATES = 400


def with_article_details(queryset):
    """Load everything an article page shows in a fixed number of queries."""
    return queryset.select_related("section").prefetch_related(
        Prefetch("bylines", Byline.objects.select_related("author")),
        Prefetch("quotes", Quote.objects.select_related("speaker__organisation")),
        "notes",
        "tags",
    )


def with_card_details(queryset):
    """Load what an article card shows (section and byline), leaving the heavy body behind."""
    return (
        queryset.select_related("section")
        .defer("body")
        .prefetch_related(Prefetch("bylines", Byline.objects.select_related("author")))
    )


class PublishedArticleMixin:
    def get_queryset(self):
        return with_card_details(Article.objects.published())


class HomeView(PublishedArticleMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        latest = list(self.get_queryset()[:13])
        return super().get_context_data(
            lead=latest[:1], latest=latest[1:], section_blocks=section_blocks(), **kwargs
        )


def section_blocks():
    """Return each section with its latest articles, in one query whatever the archive's size.

    Only the latest few hundred articles are considered: a section silent for longer than that
    gets no block on the home page.
    """
    recent = Article.objects.published().values("pk")[:SECTION_BLOCK_CANDIDATES]
    ranked = Article.objects.filter(pk__in=recent).annotate(
        rank=Window(
            RowNumber(),
            partition_by=F("section_id"),
            order_by=[F("published_at").desc(), F("pk").desc()],
        )
    )
    articles = ranked.filter(rank__lte=SECTION_BLOCK_SIZE).select_related("section").defer("body")
    blocks = {}
    for article in articles.order_by("section__position", "section__name", "rank"):
        blocks.setdefault(article.section, []).append(article)
    return list(blocks.items())


def related_articles(article):
    """Return recent published articles sharing a tag or the section with this one."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    shares_a_tag = Exists(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=OuterRef("pk"),
            tag_id__in=tag_ids,
        )
    )
    return (
        Article.objects.published()
        .filter(Q(section=article.section_id) | shares_a_tag)
        .exclude(pk=article.pk)
        .select_related("section")
        .defer("body")[:RELATED_COUNT]
    )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return with_article_details(Article.objects.published())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            blocks=rendering.compose(article.body, article.quotes.all()),
            related=related_articles(article),
            json_ld=structured_data.news_article(article, self.request),
            **kwargs,
        )


@staff_member_required
def preview(request, pk):
    """Show any article, whatever its status, to desk members allowed to preview it."""
    article = get_object_or_404(with_article_details(Article.objects.all()), pk=pk)
    if not publishing.can_preview(request.user, article):
        raise PermissionDenied
    view = ArticleDetailView(request=request, object=article, kwargs={})
    context = view.get_context_data(object=article, is_preview=True)
    response = view.render_to_response(context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class SectionView(PublishedArticleMixin, ListView):
    template_name = "articles/section.html"
    paginate_by = 20

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(PublishedArticleMixin, ListView):
    template_name = "articles/tag.html"
    paginate_by = 20

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(PublishedArticleMixin, ListView):
    template_name = "articles/author.html"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SpeakerView(ListView):
    template_name = "articles/speaker.html"
    paginate_by = 20
    context_object_name = "quotes"

    def get_queryset(self):
        self.speaker = get_object_or_404(
            Speaker.objects.select_related("organisation"), slug=self.kwargs["slug"]
        )
        return (
            Quote.objects.filter(speaker=self.speaker, article__in=Article.objects.published())
            .select_related("article__section")
            .order_by("-article__published_at", "position")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(speaker=self.speaker, **kwargs)


class ArchiveMixin(PublishedArticleMixin):
    date_field = "published_at"
    paginate_by = 20
    make_object_list = True
    allow_empty = True
    template_name = "articles/archive.html"


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    pass


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    month_format = "%m"


@csrf_exempt  # a beacon carries no form; it changes nothing but a counter
@never_cache
@require_POST
def view_beacon(request, pk):
    """Count a view of a published article, sent by the page's script once it was shown."""
    if Article.objects.published().filter(pk=pk).exists():
        popularity.count_view(request, pk)
    return HttpResponse(status=204)


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
