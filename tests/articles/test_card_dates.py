"""Cards write their time as Django's `date` filter would, in each language, only cheaper."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from articles.templatetags.site import _strftime_pattern

MOMENTS = [
    dt.datetime(2015, 5, 27, 19, 4, tzinfo=dt.UTC),  # 21:04 in Paris, summer time
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC),  # 1:00 in Paris, winter time
    dt.datetime(2026, 12, 31, 11, 0, 59, tzinfo=dt.UTC),  # noon in Paris
]


def render(source, value):
    template = engines["django"].from_string("{% load site %}" + source)
    return template.render({"value": value})


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("value", MOMENTS)
def test_card_times_read_as_the_date_filter_writes_them(language, value):
    with translation.override(language):
        assert render("{{ value|short_datetime }}", value) == render(
            '{{ value|date:"SHORT_DATETIME_FORMAT" }}', value
        )
        assert render("{{ value|iso_datetime }}", value) == render('{{ value|date:"c" }}', value)


def test_french_cards_write_the_paris_time_by_strftime():
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert render("{{ value|short_datetime }}", MOMENTS[0]) == "27/05/2015 21:04"
    assert _strftime_pattern("d/m/Y H:i") == "%d/%m/%Y %H:%M"
    assert _strftime_pattern("m/d/Y P") is None  # "4 p.m.": left to Django
    assert _strftime_pattern("d\\h") is None


def test_a_missing_time_writes_nothing():
    assert render("{{ value|short_datetime }}{{ value|iso_datetime }}", None) == ""
