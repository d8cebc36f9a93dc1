"""The reader's side of comments: post, report, follow a comment's status."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from articles.views import ArticleDetailView, with_article_details
from comments import antispam, moderation
from comments.forms import CommentForm, ReportForm
from comments.models import BannedWord, Comment

STATUS_SALT = "comments.status"
TEN_MINUTES = 600
# The article page shows a message about the reader's comment next to the comment form, in the
# element of this id, which the redirect's address points at (see `reader_messages`).
ABOUT_YOUR_COMMENT = "votre-commentaire"


def report_notice(comment):
    """Return the id of the element showing a message about a report on this comment, and the
    message's extra tags: that id, then the comment's, which it goes beside (`reader_messages`)."""
    element = f"signalement-{comment.pk}"
    return element, f"{element} commentaire-{comment.pk}"


def status_url(comment):
    token = signing.dumps(comment.pk, salt=STATUS_SALT, compress=True)
    return reverse("comments:status", kwargs={"token": token})


def _too_many(request):
    response = render(request, "comments/too_many.html", status=429)
    response["Retry-After"] = str(TEN_MINUTES)
    return response


def _article_page_with_form(request, article, form):
    """Render the article again with the reader's form and its errors, text kept."""
    article = with_article_details(Article.objects.filter(pk=article.pk)).get()
    view = ArticleDetailView(request=request, kwargs={"slug": article.slug, "pk": article.pk})
    view.object = article
    context = view.get_context_data(object=article, comment_form=form.renewed())
    response = view.render_to_response(context)
    response.status_code = 400
    return response


def _flags(text):
    """Return the automatic flags of a text, and whether it is spam outright."""
    words = antispam.matching_words(text)
    flags = []
    links = antispam.count_links(text)
    if links > settings.COMMENTS_MAX_LINKS:
        flags.append(_("%(count)d links") % {"count": links})
    flags += [_("suspect word: “%(word)s”") % {"word": w} for w in words["suspect"]]
    return flags, bool(words[BannedWord.Level.BANNED])


@require_POST
def post_comment(request, pk):
    """Validate a reader's comment, store it as pending, and thank them (post/redirect/get)."""
    # The page's details (bylines, quotes, tags…) are loaded only to show the form's errors.
    article = get_object_or_404(Article.objects.published(), pk=pk)
    back = f"{article.get_absolute_url()}#{ABOUT_YOUR_COMMENT}"
    if not article.accepts_comments:
        messages.error(
            request, _("Comments are closed on this article."), extra_tags=ABOUT_YOUR_COMMENT
        )
        return redirect(back)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _article_page_with_form(request, article, form)
    visitor = antispam.visitor_hash(request)
    if not antispam.allow(
        "comment", visitor, limit=settings.COMMENTS_RATE_LIMIT, period=TEN_MINUTES
    ):
        return _too_many(request)
    data = form.cleaned_data
    flags, is_spam = _flags(data["text"])
    comment, _created = moderation.submit(
        article,
        display_name=data["display_name"],
        email=data["email"],
        text=data["text"],
        request=request,
        flags=flags,
        is_spam=is_spam,
    )
    if is_spam:
        messages.error(
            request,
            _("Your comment breaks our comment charter and will not be published."),
            extra_tags=ABOUT_YOUR_COMMENT,
        )
    else:
        thanks = _("Thank you! Your comment will appear once a moderator has validated it.")
        if comment is not None:  # None: the same words as somebody else's comment
            thanks = format_html(
                '{} <a href="{}">{}</a>', thanks, status_url(comment), _("Follow its status")
            )
        messages.success(request, thanks, extra_tags=ABOUT_YOUR_COMMENT)
    return redirect(back)


@never_cache
@require_GET
def form_tokens(request):
    """Give a cached page's forms what they cannot carry: the CSRF token and a fresh stamp."""
    return JsonResponse(
        {"csrfmiddlewaretoken": get_token(request), "issued": antispam.issue_form_stamp()}
    )


@never_cache
@require_GET
def write_comment(request, pk):
    """Show the comment form on a page of its own, for readers without JavaScript."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not article.accepts_comments:
        raise Http404
    return render(request, "comments/write.html", {"article": article, "form": CommentForm()})


@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """Record a reader's report on a published comment and acknowledge it."""
    comment = get_object_or_404(Comment.objects.public().select_related("article"), pk=pk)
    if not comment.article.is_published():
        raise Http404
    if request.method == "GET":  # the report form on a page of its own, without JavaScript
        response = render(
            request, "comments/report.html", {"comment": comment, "form": ReportForm()}
        )
        response["Cache-Control"] = "private, no-store"
        return response
    # The acknowledgement shows beside the comment, where the address points.
    notice, place = report_notice(comment)
    back = f"{comment.article.get_absolute_url()}#{notice}"
    form = ReportForm(request.POST)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(
                request, _("Please choose why you report this comment."), extra_tags=place
            )
        for name, errors in form.errors.items():
            if name != "reason":
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    text = _("%(field)s: %(error)s") % {"field": label, "error": error}
                    messages.error(request, text, extra_tags=place)
        return redirect(back)
    visitor = antispam.visitor_hash(request)
    if not antispam.allow("report", visitor, limit=settings.REPORTS_RATE_LIMIT, period=TEN_MINUTES):
        return _too_many(request)
    new = moderation.report(
        comment,
        reporter_hash=visitor,
        reason=form.cleaned_data["reason"],
        explanation=form.cleaned_data["explanation"],
    )
    if new:
        messages.success(
            request, _("Thank you: the moderators will look at this comment."), extra_tags=place
        )
    else:
        messages.info(
            request, _("You have already reported this comment; thank you."), extra_tags=place
        )
    return redirect(back)


def comment_status(request, token):
    """Show the commenter where their comment stands, from the signed link they were given."""
    try:
        pk = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    response = render(request, "comments/status.html", {"comment": comment})
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
