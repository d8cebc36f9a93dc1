from django import template
from django.utils import timezone

from comments.forms import CommentForm, ReportForm
from comments.models import Comment, Sanction

register = template.Library()


@register.inclusion_tag("comments/block.html", takes_context=True)
def comments_block(context, article):
    """Render an article's published comments, numbered, and the form when comments are open."""
    comments = list(
        Comment.objects.public()
        .filter(article=article)
        .only("pk", "display_name", "text", "submitted_at", "article_id")
    )
    for comment in comments:
        # "27/05/2015 à 21:04" in both languages: formatted here, ten times cheaper than `date`.
        submitted = timezone.localtime(comment.submitted_at)
        comment.submitted_day = f"{submitted:%d/%m/%Y}"
        comment.submitted_time = f"{submitted:%H:%M}"
    is_open = article.accepts_comments
    return {
        "article": article,
        "comments": comments,
        "is_open": is_open,
        "form": context.get("comment_form") or (CommentForm() if is_open else None),
        # A first display carries no per-reader token, so the page can be cached for everyone.
        "cacheable": "comment_form" not in context,
        "report_form": ReportForm(auto_id=False),
        "request": context.get("request"),
    }


@register.inclusion_tag("comments/messages.html", takes_context=True)
def reader_messages(context, where):
    """Render the article page's messages for the top ("top") or beside the comments."""
    # comments/views.py gives a message, as its extra tags, the id of the element showing it (the
    # address it redirects to points there), then the id of the comment it goes beside; one
    # without is about the page, and shows at its top.
    groups = {}
    for message in context.get("messages", ()):
        element, _, beside = (message.extra_tags or "").partition(" ")
        groups.setdefault((element, beside), []).append(message)
    return {
        "groups": [
            {"id": element, "beside": beside, "messages": shown}
            for (element, beside), shown in groups.items()
            if bool(element) == (where == "comments")
        ],
    }


@register.simple_tag
def moderation_counts():
    """Return the size of each moderation queue, for the desk's front page."""
    return {
        "awaiting": Comment.objects.awaiting_moderation().count(),
        "suspect": Comment.objects.suspect().count(),
        "reported": Comment.objects.reported().count(),
        "hidden": Comment.objects.hidden().count(),
        "sanctions": Sanction.objects.active().count(),
    }
