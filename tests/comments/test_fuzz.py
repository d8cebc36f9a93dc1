"""A thousand arbitrary posts to the comment and report forms: no 500, nothing stored unescaped.

Hypothesis draws every field (control characters, NUL, right-to-left marks, HTML and script
fragments from tests.xss), drops some, doubles some and adds others. Each example runs in a
savepoint rolled back at its end, so that every post meets the same article and the same comment.
"""

import dataclasses
import datetime as dt
import re
from collections import Counter
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments import antispam, moderation
from comments.forms import ReportForm
from comments.models import BannedWord, Comment, Report
from tests.conftest import make_article
from tests.xss import VECTORS, live_payloads

pytestmark = pytest.mark.django_db

COMMENT_EXAMPLES = 500
REPORT_EXAMPLES = 500
# Approve and render one accepted post in this many: a page costs more than a post.
RENDER_EVERY = 4
READER = "203.0.113.7"
FORM = "application/x-www-form-urlencoded"  # what the site's forms send
FUZZ = hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRICKY = st.sampled_from(
    [
        "\x00", "\r\n", "\n\n", "\t", "\x0b", "\x1b[31m", "\u200f", "\u202e", "\u200b", "\u2028",
        "\ufeff", "\xa0", "e\u0301", "\U0001f600", "&amp;", "&lt;b&gt;", "&#60;", "%00", "%s",
        "{{ comment.email }}", "{% csrf_token %}", "' OR '1'='1", "https://spam.example/x",
        "www.spam.example", "viagra", "arnaque", " ", "<", ">", '"', "'", "`", "\\",
    ]
)  # fmt: skip
# What the automatic checks look for: a banned word, a suspect word, too many links.
CHECKED = st.sampled_from(["viagra", "Arnaque", "http://a.example www.b.example https://c.example"])
PIECE = st.one_of(st.text(), st.sampled_from(VECTORS), TRICKY, CHECKED)
TEXT = st.one_of(
    st.lists(PIECE, max_size=6).map("".join),
    # Long texts, around and beyond the fields' limits (60, 254, 1000, 3000 characters).
    st.tuples(PIECE, st.integers(1, 1200)).map(lambda repeated: repeated[0] * repeated[1]),
)
WORDS = st.lists(PIECE, min_size=1, max_size=6).map("".join)
HONEYPOT = st.one_of(st.just(""), TEXT)


@dataclasses.dataclass(frozen=True)
class Stamp:
    """A genuine form stamp, issued that many seconds before the post (negative: in the future)."""

    seconds_ago: int
    tail: str = ""  # appended to the genuine stamp: a tampered one

    def issue(self):
        now = timezone.now()
        with time_machine.travel(now - dt.timedelta(seconds=self.seconds_ago), tick=False):
            return antispam.issue_form_stamp() + self.tail


ISSUED = st.one_of(
    st.integers(-10, 5 * 3600).map(Stamp),
    st.sampled_from([0, 2, 3, 4 * 3600, 4 * 3600 + 1]).map(Stamp),
    st.builds(Stamp, st.integers(3, 600), st.text(min_size=1)),
    TEXT,
)


def fields_of(draw, strategies):
    """Draw each field once, mostly; sometimes missing, sometimes sent twice; then extras."""
    pairs = []
    for name, strategy in strategies.items():
        times = draw(st.sampled_from([1, 1, 1, 1, 1, 0, 2]))
        pairs += [(name, draw(strategy)) for _ in range(times)]
    extras = draw(st.lists(st.tuples(st.one_of(TEXT, st.sampled_from(list(strategies))), TEXT)))
    return pairs + extras


@st.composite
def comment_posts(draw):
    """Draw the fields of a comment form: arbitrary words in a plausible form, or anything."""
    if draw(st.booleans()):
        return [
            ("display_name", draw(st.one_of(st.sampled_from(["Jeanne R.", "محمد"]), PIECE))),
            ("email", draw(st.one_of(st.just("jeanne@example.org"), st.emails()))),
            ("text", draw(WORDS)),
            ("website", ""),
            ("issued", Stamp(draw(st.integers(3, 3600)))),
        ]
    return fields_of(
        draw,
        {
            "display_name": TEXT,
            "email": st.one_of(st.emails(), TEXT),
            "text": TEXT,
            "website": HONEYPOT,
            "issued": ISSUED,
        },
    )


@st.composite
def report_posts(draw):
    """Draw the fields of a report form: arbitrary words with a known reason, or anything."""
    if draw(st.booleans()):
        return [
            ("reason", draw(st.sampled_from(Report.Reason.values))),
            ("explanation", draw(WORDS)),
        ]
    reasons = st.one_of(
        st.sampled_from(Report.Reason.values),
        st.sampled_from([str(label) for label in Report.Reason.labels]),
        TEXT,
    )
    return fields_of(draw, {"reason": reasons, "explanation": TEXT})


def sent(pairs):
    """Return the pairs as the server receives them: stamps issued now."""
    return [(name, value.issue() if isinstance(value, Stamp) else value) for name, value in pairs]


def last(pairs, name):
    """Return the value a form reads for a field sent several times: the last one."""
    values = [value for key, value in pairs if key == name]
    return values[-1] if values else None


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def shown_errors(form):
    return [str(error) for errors in form.errors.values() for error in errors]


def error_codes(form):
    """Return the form's errors as field/code, to count what was refused and why."""
    data = form.errors.as_data()
    return sorted({f"{field}/{error.code}" for field, errors in data.items() for error in errors})


def between(html, start, end):
    """Return the text of the page between a start marker and the end marker after it."""
    match = re.search(re.escape(start) + "(.*?)" + re.escape(end), html, re.DOTALL)
    assert match, f"{start!r} not found"
    return match.group(1)


def rendered_inert(html, comment, baseline):
    """Tell what, in the article page, shows the comment otherwise than as escaped text."""
    problems = live_payloads(html, baseline)
    block = between(html, f'id="commentaire-{comment.pk}"', "</li>")
    body = between(block, '<div class="comment-text">', "</div>")
    if "<" in re.sub(r"</?p>|<br>", "", body):
        problems.append("markup in the comment's text")
    meta = between(block, '<p class="comment-meta">', "</p>")
    if "<" in re.sub(r"</?strong>", "", meta):
        problems.append("markup in the commenter's name")
    if escape(comment.email) in html and comment.email not in comment.text + comment.display_name:
        problems.append("the email is shown")
    return problems


@pytest.fixture
def figures(capsys):
    """Collect outcomes in a Counter and show them in the test run's output."""
    counts = Counter()
    yield counts
    with capsys.disabled():
        print("".join(f"\n  {what}: {count}" for what, count in sorted(counts.items())))  # noqa: T201


@pytest.fixture
def fuzzing(settings):
    """Keep the rate limits out of the way; hold a banned and a suspect word."""
    settings.COMMENTS_RATE_LIMIT = 10**9
    settings.REPORTS_RATE_LIMIT = 10**9
    BannedWord.objects.create(word="viagra", level=BannedWord.Level.BANNED)
    BannedWord.objects.create(word="arnaque", level=BannedWord.Level.SUSPECT)


def baseline_of(article, editor):
    """Return the article page with one harmless approved comment, without keeping it."""
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            display_name="Jeanne R.",
            email="jeanne@example.org",
            text="Texte inoffensif",
            text_hash="baseline",
        )
        moderation.approve(comment, moderator=editor)
        html = Client().get(article.get_absolute_url()).content.decode()
        transaction.set_rollback(True)
    return html


def test_arbitrary_comment_posts_are_stored_as_typed_or_refused_with_reasons(
    fuzzing, figures, section, editor
):
    """Post arbitrary comment forms: 302 with a message or 400 with errors, stored text escaped."""
    article = make_article(section)
    url = f"/articles/{article.pk}/commentaires/"
    baseline = baseline_of(article, editor)
    blank_form = Client().get(article.get_absolute_url()).content.decode()

    @hypothesis_settings(FUZZ, max_examples=COMMENT_EXAMPLES)
    @given(comment_posts())
    def post(pairs):
        figures["examples tried"] += 1
        pairs = sent(pairs)
        with transaction.atomic():
            response = Client().post(url, urlencode(pairs), content_type=FORM, REMOTE_ADDR=READER)
            assert response.status_code in {302, 400, 429}
            stored = list(Comment.objects.filter(article=article))
            if response.status_code == 400:
                html = response.content.decode()
                form = response.context["comment_form"]
                errors = shown_errors(form)
                figures["400 refused"] += 1
                figures.update(f"refused: {code}" for code in error_codes(form))
                assert 'class="field-error"' in html or 'class="form-errors"' in html
                assert all(escape(error) in html for error in errors)
                assert live_payloads(html, blank_form, strict=False) == []
                assert stored == []
            elif response.status_code == 302:
                assert message_texts(response), "accepted without a word"
                assert len(stored) == 1
                comment = stored[0]
                figures["302 stored"] += 1
                figures[f"stored as {comment.status}{', flagged' if comment.flags else ''}"] += 1
                assert comment.text == last(pairs, "text").strip()
                assert comment.display_name == last(pairs, "display_name").strip()
                assert comment.email == last(pairs, "email").strip()
                if figures["302 stored"] % RENDER_EVERY == 1:
                    figures["approved and rendered"] += 1
                    moderation.approve(comment, moderator=editor)
                    page = Client().get(article.get_absolute_url())
                    assert page.status_code == 200
                    assert rendered_inert(page.content.decode(), comment, baseline) == []
            else:
                figures["429 limited"] += 1
            transaction.set_rollback(True)

    post()
    assert figures["examples tried"] >= COMMENT_EXAMPLES
    assert figures["302 stored"] >= COMMENT_EXAMPLES // 10
    assert figures["approved and rendered"] >= 10


def test_arbitrary_report_posts_are_recorded_as_typed_or_refused_with_a_message(
    fuzzing, figures, section, editor
):
    """Post arbitrary report forms: a redirect with a message, reports stored and shown escaped."""
    article = make_article(section)
    comment = Comment.objects.create(
        article=article,
        display_name="Jeanne R.",
        email="jeanne@example.org",
        text="Un commentaire publié.",
        text_hash="published",
    )
    moderation.approve(comment, moderator=editor)
    url = f"/commentaires/{comment.pk}/signaler/"
    desk = Client()
    desk.force_login(editor)
    desk_page = f"/desk/comments/comment/{comment.pk}/change/"
    with transaction.atomic():
        Report.objects.create(
            comment=comment, reason="other", explanation="Rien", reporter_hash="x"
        )
        baseline = desk.get(desk_page).content.decode()
        transaction.set_rollback(True)

    @hypothesis_settings(FUZZ, max_examples=REPORT_EXAMPLES)
    @given(report_posts())
    def post(pairs):
        figures["examples tried"] += 1
        with transaction.atomic():
            response = Client().post(url, urlencode(pairs), content_type=FORM, REMOTE_ADDR=READER)
            assert response.status_code in {302, 400, 429}
            reports = list(Report.objects.filter(comment=comment))
            if response.status_code == 302:
                told = message_texts(response)
                assert told, "answered without a word"
                if reports:
                    figures["302 report stored"] += 1
                    assert reports[0].reason == last(pairs, "reason")
                    assert reports[0].explanation == (last(pairs, "explanation") or "").strip()
                    if reports[0].explanation and figures["rendered in the desk"] < 25:
                        figures["rendered in the desk"] += 1
                        html = desk.get(desk_page).content.decode()
                        assert live_payloads(html, baseline, strict=False) == []
                else:
                    figures["302 refused"] += 1
                    with translation.override("fr"):
                        form = ReportForm(QueryDict(urlencode(pairs)))
                        assert not form.is_valid()
                    figures.update(f"refused: {code}" for code in error_codes(form))
                    for name, errors in form.errors.items():
                        # A missing or unknown reason is told as "choose a reason".
                        if name != "reason":
                            assert all(any(e in message for message in told) for e in errors)
            else:
                figures[f"{response.status_code}"] += 1
            transaction.set_rollback(True)

    post()
    assert figures["examples tried"] >= REPORT_EXAMPLES
    assert figures["302 report stored"] >= REPORT_EXAMPLES // 10


# What the fuzzing found first: refusals that did not say why (fixed since; kept as regressions).


def test_a_nul_byte_in_the_honeypot_is_refused_with_an_explanation(client, section):
    """Post a valid comment whose honeypot holds a NUL byte; expect a visible refusal."""
    article = make_article(section)
    data = {
        "display_name": "Jeanne R.",
        "email": "jeanne@example.org",
        "text": "Un avis tout à fait ordinaire.",
        "website": "\x00",
        "issued": Stamp(10).issue(),
    }
    response = client.post(f"/articles/{article.pk}/commentaires/", data, REMOTE_ADDR=READER)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html or 'class="form-errors"' in html


def test_a_report_with_a_too_long_explanation_says_what_is_wrong(client, section, editor):
    """Report with a chosen reason and 1001 characters of explanation; expect the length error."""
    article = make_article(section)
    comment = Comment.objects.create(
        article=article, display_name="J", email="j@example.org", text="Publié.", text_hash="p"
    )
    moderation.approve(comment, moderator=editor)
    data = {"reason": Report.Reason.ABUSE, "explanation": "x" * 1001}
    response = client.post(f"/commentaires/{comment.pk}/signaler/", data, REMOTE_ADDR=READER)
    assert response.status_code == 302
    assert not Report.objects.exists()
    with translation.override("fr"):
        expected = ReportForm(data).errors["explanation"][0]
    assert any(expected in message for message in message_texts(response))
