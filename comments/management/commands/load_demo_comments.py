"""Load demo reader comments in every state, with reports (run after load_demo; safe twice)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.management.commands.load_demo import add_production_flag, refuse_in_production
from articles.models import Article
from comments import antispam, moderation
from comments.models import Comment, Report, Sanction

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = "fusion-des-regions-poles-numeriques-toulouse-montpellier"

# (article slug or None for the latest ones, name, email, text, state, submitted, reports)
COMMENTS = [
    (
        REFERENCE,
        "Pierre-Alain M.",
        "pa.m@example.org",
        "Bonne initiative, mais il faudra aller plus loin que les déclarations d’intention.\n"
        "Les entreprises des deux métropoles se connaissent peu : un annuaire commun et des "
        "rencontres régulières, hors des salons, feraient davantage que de grands discours.\n"
        "À suivre de près l’an prochain.",
        "approved",
        dt.datetime(2015, 5, 27, 21, 4, tzinfo=PARIS),
        ["off_topic"],
    ),
    (
        REFERENCE,
        "Sylvie",
        "sylvie.c@example.org",
        "Ayant travaillé dans les deux villes, je confirme : les réseaux sont complémentaires. "
        "Reste la question des transports entre Toulouse et Montpellier, trop lents pour "
        "travailler vraiment ensemble.",
        "approved",
        dt.datetime(2015, 5, 28, 8, 47, tzinfo=PARIS),
        [],
    ),
    (
        REFERENCE,
        "Marc T.",
        "marc.t@example.org",
        "Encore une réunion de plus. Qui paie le déplacement à Carcassonne ?",
        "pending",
        dt.datetime(2015, 5, 28, 12, 15, tzinfo=PARIS),
        [],
    ),
    (
        REFERENCE,
        "Promo Web",
        "promo@example.net",
        "Visitez https://promo.example, https://promo2.example et www.promo3.example !",
        "pending",
        dt.datetime(2015, 5, 28, 13, 2, tzinfo=PARIS),
        [],
    ),
    (
        REFERENCE,
        "Anonyme31",
        "anon31@example.org",
        "Les Montpelliérains n’ont rien à apprendre aux Toulousains, inutile de discuter.",
        "rejected",
        dt.datetime(2015, 5, 28, 14, 30, tzinfo=PARIS),
        [],
    ),
    (
        REFERENCE,
        "Bernard",
        "bernard.l@example.org",
        "Article intéressant, même si le sujet de la gouvernance est à peine effleuré.",
        "hidden",
        dt.datetime(2015, 5, 29, 9, 10, tzinfo=PARIS),
        ["abuse", "abuse", "other"],
    ),
    (
        REFERENCE,
        "Gains rapides",
        "cash@example.net",
        "Gagnez 500 euros par jour sans rien faire, écrivez-moi !",
        "spam",
        dt.datetime(2015, 5, 29, 10, 0, tzinfo=PARIS),
        [],
    ),
]

# A commenter the moderators put under pre-moderation, from their refused comment.
SANCTIONED = ("anon31@example.org", "Propos méprisants envers les lecteurs d’une autre ville.")

RECENT = [
    ("Claire D.", "Enfin des nouvelles concrètes pour les villages concernés."),
    ("Yanis", "Il serait utile de publier la carte des communes raccordées."),
    ("Odile P.", "Merci pour cet article clair et précis."),
]


class Command(BaseCommand):
    help = "Load demo comments in every state, with reader reports."

    def add_arguments(self, parser):
        add_production_flag(parser)

    @transaction.atomic
    def handle(self, *args, **options):
        # It approves made-up comments on the latest published articles: not for real readers.
        refuse_in_production(options)
        moderator = get_user_model().objects.filter(username="moderation").first()
        if moderator is None:
            raise CommandError("Run `manage.py load_demo` first: it creates the moderator.")
        created = 0
        for slug, name, email, text, state, submitted, reasons in COMMENTS:
            article = Article.objects.get(slug=slug)
            created += self._comment(
                article, name, email, text, state, submitted, reasons, moderator
            )
        for offset, article in enumerate(Article.objects.published()[:6]):
            for index, (name, text) in enumerate(RECENT[: 3 - offset % 3]):
                when = article.published_at + dt.timedelta(hours=2 + index)
                email = f"lecteur{index}@example.org"
                created += self._comment(
                    article, name, email, text, "approved", when, [], moderator
                )
        self._sanction(moderator)
        self.stdout.write(f"Demo comments: {created} created, {Comment.objects.count()} in all.")

    def _sanction(self, moderator):
        email, reason = SANCTIONED
        comment = Comment.objects.filter(email=email).first()
        if comment is None or Sanction.objects.filter(comment=comment).exists():
            return
        moderation.sanction_commenter(
            comment,
            moderator=moderator,
            kind=Sanction.Kind.PREMODERATE,
            reason=reason,
            ends_at=timezone.now() + dt.timedelta(days=90),
        )

    def _comment(self, article, name, email, text, state, submitted, reasons, moderator):
        fingerprint = antispam.text_hash(text)
        if Comment.all_objects.filter(article=article, text_hash=fingerprint).exists():
            return 0
        comment = Comment.objects.create(
            article=article,
            display_name=name,
            email=email,
            text=text,
            text_hash=fingerprint,
            email_hash=antispam.email_hash(email),
            flags=["3 liens"] if antispam.count_links(text) > 2 else [],
        )
        Comment.objects.filter(pk=comment.pk).update(submitted_at=submitted)
        comment.events.create(action="submitted")
        if state in ("approved", "hidden"):
            moderation.approve(comment, moderator=moderator)
        elif state == "rejected":
            moderation.reject(comment, moderator=moderator, reason="abuse")
        elif state == "spam":
            moderation.mark_spam(comment, moderator=moderator)
        for number, reason in enumerate(reasons):
            moderation.report(comment, reporter_hash=f"demo-reader-{number}", reason=reason)
        assert state != "hidden" or Comment.objects.get(pk=comment.pk).hidden_at
        assert Report.objects.filter(comment=comment).count() == len(reasons)
        return 1
