from django import template

from articles import publishing
from articles.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_lists(context):
    """Return the admin index's work lists: what this editor or journalist should look at."""
    user = context["request"].user
    articles = Article.objects.select_related("section").order_by("updated_at")
    if publishing.is_editor(user):
        return {
            "ready": articles.ready_for_review()[:20],
            "scheduled": articles.scheduled().order_by("published_at")[:20],
        }
    if user.has_perm("articles.add_article"):
        own = articles.filter(created_by=user, status=Article.Status.DRAFT).order_by("-updated_at")
        return {
            "drafts": own.filter(review_note="")[:20],
            "sent_back": own.exclude(review_note="")[:20],
        }
    return {}
