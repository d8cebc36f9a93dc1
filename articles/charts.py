"""Charts for the desk, drawn on the server as inline SVG: no script, nothing fetched."""

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from articles.models import DailyViews, HourlyViews
from newsroom.formats import day_and_month

DAYS = 30

# The drawing's coordinates (the SVG scales to the width of the page).
WIDTH = 640
PLOT_LEFT = 60
PLOT_TOP = 40
PLOT_BOTTOM = 176
HEIGHT = 200
DAY_LABEL_Y = HEIGHT - 4
PLOT_HEIGHT = PLOT_BOTTOM - PLOT_TOP
BAR_GAP = 0.2  # the share of each day's slot left empty between bars


def views_per_day(article, *, days=DAYS):
    """Return [(day, views)] for the article's last days up to today, in the newsroom's zone."""
    zone = timezone.get_default_timezone()
    today = timezone.localdate(timezone=zone)
    first = today - dt.timedelta(days=days - 1)
    hourly = (
        HourlyViews.objects.filter(
            article=article, hour__gte=dt.datetime.combine(first, dt.time.min, tzinfo=zone)
        )
        .annotate(day=TruncDate("hour", tzinfo=zone))
        .values("day")
        .annotate(total=Sum("views"))
        .order_by()
    )
    # Older hours are folded into days (a UTC day each) and leave the hourly table in the same
    # transaction, so the two add up; one statement reads both, so a roll-up cannot slip between.
    daily = (
        DailyViews.objects.filter(article=article, day__gte=first, day__lte=today)
        .values("day")
        .annotate(total=Sum("views"))
        .order_by()
    )
    totals = {first + dt.timedelta(days=n): 0 for n in range(days)}
    for row in hourly.union(daily, all=True):
        if row["day"] in totals:
            totals[row["day"]] += row["total"]
    return list(totals.items())


def _day(day):
    return day_and_month(day, with_year=False)


def _number(value):
    return number_format(value, force_grouping=True)


def _views(count):
    # The rankings page's words for a count of views.
    return ngettext("%(counter)s view", "%(counter)s views", count) % {"counter": _number(count)}


def views_chart(series, *, headline, chart_id="views-chart"):
    """Return a bar chart of views per day as inline SVG, with a summary for screen readers."""
    days = len(series)
    total = sum(views for _, views in series)
    peak_day, peak = max(series, key=lambda item: item[1])  # the first of equal days
    first, last = series[0][0], series[-1][0]
    summary = ngettext(
        "%(views)s view over %(days)s days", "%(views)s views over %(days)s days", total
    ) % {"views": _number(total), "days": days}
    description = gettext("Views per day of “%(headline)s”, from %(first)s to %(last)s.") % {
        "headline": headline,
        "first": _day(first),
        "last": _day(last),
    }
    if peak:
        description += " " + gettext("Busiest day: %(day)s, %(views)s.") % {
            "day": _day(peak_day),
            "views": _views(peak),
        }

    slot = (WIDTH - PLOT_LEFT) / days
    bars = []
    for index, (day, views) in enumerate(series):
        height = PLOT_HEIGHT * views / peak if peak else 0
        bars.append(
            {
                "x": f"{PLOT_LEFT + index * slot + slot * BAR_GAP / 2:.2f}",
                "y": f"{PLOT_BOTTOM - height:.2f}",
                "width": f"{slot * (1 - BAR_GAP):.2f}",
                "height": f"{height:.2f}",
                "title": gettext("%(day)s: %(views)s") % {"day": _day(day), "views": _views(views)},
            }
        )
    context = {
        "id": chart_id,
        "width": WIDTH,
        "height": HEIGHT,
        "left": PLOT_LEFT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "label_x": PLOT_LEFT - 6,
        "day_y": DAY_LABEL_Y,
        "summary": summary,
        "description": description,
        "peak": _number(peak),
        "bars": bars,
        "first": _day(first),
        "last": _day(last),
    }
    return render_to_string("admin/articles/article/views_chart.svg", context)
