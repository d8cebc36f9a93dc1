"""Dates and times as people read them in the desk's language: "1er décembre à 7 h", in Paris."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def day_and_month(value, *, with_year=None):
    """Return "1er décembre" ("December 1"), with the year unless it is this year."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    # French writes the first of a month "1er": the catalogue translates this "1".
    day = pgettext("the first day of a month", "1") if value.day == 1 else str(value.day)
    values = {"day": day, "month": date_format(value, "F"), "year": value.year}
    if with_year is None:
        with_year = value.year != timezone.localdate().year
    if with_year:
        return _("%(month)s %(day)s, %(year)s") % values
    return _("%(month)s %(day)s") % values


def clock(value):
    """Return the time of day in Paris: "7 h", "7 h 30" ("7:00", "7:30")."""
    value = timezone.localtime(value)
    if value.minute == 0:
        return pgettext("a time on the hour", "%(hour)d:00") % {"hour": value.hour}
    return _("%(hour)d:%(minute)02d") % {"hour": value.hour, "minute": value.minute}


def moment(value, *, with_year=None):
    """Return "1er décembre à 7 h": a day and a time in Paris."""
    return _("%(day)s at %(time)s") % {
        "day": day_and_month(value, with_year=with_year),
        "time": clock(value),
    }
