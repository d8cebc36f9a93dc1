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
