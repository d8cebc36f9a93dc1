"""Comments made straight in the database, and the moderation desk's addresses, for desk tests."""

import hashlib

from comments import antispam
from comments.models import Comment, Report

QUEUE = "/desk/comments/comment/"


def make_comment(article, text, *, name="Jeanne R.", email="jeanne@example.org", **fields):
    """Store a comment as the reader's form would have: pending unless told, hashes included."""
    return Comment.objects.create(
        article=article,
        display_name=name,
        email=email,
        text=text,
        text_hash=antispam.text_hash(text),
        email_hash=antispam.email_hash(email),
        # A stand-in for the hash of the reader's address: one address per email.
        visitor_hash=fields.pop("visitor_hash", hashlib.sha256(email.encode()).hexdigest()),
        **fields,
    )


def reported(comment, *reasons, explanation=""):
    """File readers' reports on a comment, one per reason, as distinct readers."""
    for number, reason in enumerate(reasons):
        Report.objects.create(
            comment=comment,
            reason=reason,
            explanation=explanation,
            reporter_hash=f"reader-{comment.pk}-{number}",
        )
    return comment


def decide_url(comment):
    return f"{QUEUE}{comment.pk}/decide/"


def page_url(comment):
    return f"{QUEUE}{comment.pk}/change/"
