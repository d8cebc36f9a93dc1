import datetime as dt

from django import template
from django.utils import timezone

from articles import popularity, publishing
from articles.models import Article
from newsroom import formats

register = template.Library()


@register.filter
def moment(value):
    """Render a time as the desk reads it, in Paris: "1er décembre à 9 h 59"."""
    return formats.moment(value) if value else ""


TODAYS_TOP = 5


@register.simple_tag(takes_context=True)
def desk_lists(context):
    """Return the admin index's work lists: what this editor or journalist should look at."""
    user = context["request"].user
    articles = Article.objects.select_related("section").order_by("updated_at")
    if publishing.is_editor(user):
        return {
            "ready": articles.ready_for_review()[:20],
            "scheduled": articles.scheduled().order_by("published_at")[:20],
            "todays_top": todays_top(),
            "front_page": articles.pinned()[:6],
        }
    if user.has_perm("articles.add_article"):
        own = articles.filter(created_by=user, status=Article.Status.DRAFT).order_by("-updated_at")
        return {
            "drafts": own.filter(review_note="")[:20],
            "sent_back": own.exclude(review_note="")[:20],
        }
    return {}


def todays_top():
    """Return (article, views) pairs: the published articles most read since local midnight."""
    # Every published article, those kept out of the public rankings included: the desk
    # wants to know what is read, and the list says which ones readers do not see ranked.
    zone = timezone.get_default_timezone()  # the newsroom's day: Europe/Paris
    midnight = dt.datetime.combine(timezone.localdate(timezone=zone), dt.time.min, tzinfo=zone)
    return popularity.most_read_since(
        midnight, articles=Article.objects.published(), limit=TODAYS_TOP
    )
