"""Build a realistic newsroom in a scratch PostgreSQL database, fast: COPY and set-based SQL.

Shared by the benchmarks (`bench/run.py`, `bench/rankings.py`). The schema comes from
`manage.py migrate`; this module only fills it. The text is generated from word banks written for
the project (French, accents and apostrophes included), deterministic for a given seed:

- 6 sections, 36 bylines (3 agencies), 40 organisations, 240 speakers, 80 tags;
- articles published over the last `days` days (the newest first), each about one of 40 topics in
  one of 24 cities (named in the headline, the lede and some sentences of the body, so that a
  search for a topic finds a few hundred articles), with a headline of about 80-110 characters,
  a two-sentence lede, a body of ten paragraphs split by a subhead (about 5 KB), 2-5 quotes
  placed between paragraphs by markers in the body (a pull quote in seven articles out of ten),
  1-2 bylines, 3-5 tags, and a correction or an update in one article out of twenty;
- hourly view counters for the `view_hours` hours after each publication, decreasing with age
  (counters never go past the current hour): with 30 days of articles, 30 days of counters;
- comments spread unevenly (a median of 9 per article, 36 at the 99th percentile, about 350 on the
  most commented one), submitted within a day or two of publication, never in the future;
  85 % published, 9 % pending, 4 % refused, 2 % spam.

Bodies are inserted as stored text: the application sanitises a body when it is saved, which the
benchmark skips (the generated HTML uses only the allowed tags).
"""

import datetime as dt
import hashlib
import random
import uuid
from collections import defaultdict

import psycopg
from django.utils.text import slugify

SERVER = "postgres://postgres@127.0.0.1:5432"

SECTIONS = ["Économie", "Numérique", "Politique", "Société", "Sport", "Culture"]
CITIES = [
    "Toulouse", "Montpellier", "Albi", "Nîmes", "Perpignan", "Rodez", "Tarbes", "Carcassonne",
    "Béziers", "Sète", "Castres", "Montauban", "Cahors", "Auch", "Foix", "Mende", "Alès",
    "Narbonne", "Millau", "Figeac", "Lourdes", "Pamiers", "Lunel", "Agde",
]  # fmt: skip
THEMES = [
    "transports", "agriculture", "numérique", "emploi", "logement", "santé", "éducation",
    "culture", "environnement", "tourisme", "industrie", "énergie", "budget", "élections",
    "eau", "commerce", "recherche", "sécurité", "associations", "patrimoine",
]  # fmt: skip
REGIONS = ["Occitanie", "Pyrénées", "Cévennes", "Camargue", "Lauragais", "Aveyron"]
FIRST_NAMES = [
    "Claire", "Julien", "Sophie", "Mathieu", "Nadia", "Pierre", "Élodie", "Karim", "Isabelle",
    "Thomas", "Camille", "Laurent", "Inès", "François", "Aurélie", "Sébastien", "Léa", "Olivier",
    "Hélène", "Yannick", "Marion", "Rachid", "Céline", "Bruno", "Agnès", "Damien", "Fanny",
    "Gilles", "Sandrine", "Hugo",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Roussel", "Fabre", "Garcia", "Vidal", "Bonnet", "Delmas", "Cazals", "Benali",
    "Marty", "Fournier", "Rey", "Lacombe", "Sanchez", "Bousquet", "Pujol", "Carrière", "Mercier",
    "Azéma", "Gauthier", "Salvat", "Durand", "Bouzid", "Teyssier", "Lefèvre", "Combes",
    "Estève", "Barthès", "Nguyen", "Rouquette",
]  # fmt: skip
ORGANISATION_KINDS = [
    "Chambre de commerce et d'industrie de {city}", "Communauté d'agglomération de {city}",
    "Association des commerçants de {city}", "Syndicat des eaux de {city}",
    "Pôle numérique de {city}", "Coopérative agricole de {city}",
]  # fmt: skip
ROLES = [
    "président", "directrice générale", "maire", "adjoint aux finances", "porte-parole",
    "déléguée régionale", "cofondateur", "secrétaire générale", "chef de projet",
    "conseillère municipale d'opposition", "responsable du développement",
]  # fmt: skip
SUBJECTS = [
    "La communauté d'agglomération", "Le conseil régional", "Les entreprises du secteur",
    "La chambre de commerce", "Le maire de la commune", "Les habitants du quartier",
    "L'association des commerçants", "Le syndicat mixte", "La préfecture",
    "Les agriculteurs de la vallée", "Le département", "La métropole", "Les parents d'élèves",
    "Le club de la ville", "L'office de tourisme", "Les salariés du site", "La direction",
    "Le collectif de riverains", "L'université", "La coopérative",
]  # fmt: skip
VERBS = [  # singular, plural
    ("a présenté", "ont présenté"),
    ("prépare", "préparent"),
    ("conteste", "contestent"),
    ("soutient", "soutiennent"),
    ("a voté", "ont voté"),
    ("étudie", "étudient"),
    ("annonce", "annoncent"),
    ("finance", "financent"),
    ("réclame", "réclament"),
    ("a inauguré", "ont inauguré"),
    ("reporte", "reportent"),
    ("défend", "défendent"),
    ("lance", "lancent"),
    ("remet en cause", "remettent en cause"),
    ("accompagne", "accompagnent"),
]
# What an article is about: each one has a topic and a city, named in its headline, lede and a
# few sentences of its body, so that a search for a topic finds a few hundred articles, not all.
TOPICS = [
    "un nouveau plan de mobilité", "le budget de l'année prochaine", "la rénovation de la gare",
    "un projet de parc photovoltaïque", "l'extension de la zone d'activités",
    "la fermeture d'une classe", "la création d'une piste cyclable", "le futur centre aquatique",
    "un programme de logements sociaux", "la reprise de l'usine", "le plan de sauvegarde",
    "la réouverture de la ligne ferroviaire", "un tiers-lieu consacré au numérique",
    "la hausse des tarifs de l'eau", "le festival d'été", "un dispositif d'aide aux commerces",
    "la modernisation de l'hôpital", "le schéma de cohérence territoriale",
    "la construction d'un collège", "le contournement routier", "la piétonnisation du centre",
    "un réseau de chaleur", "la station d'épuration", "le marché de plein vent",
    "la maison de santé pluriprofessionnelle", "un parc éolien en mer", "la médiathèque",
    "le plan de lutte contre les inondations", "la cantine bio", "le transport à la demande",
    "la fibre optique dans les villages", "un incubateur de jeunes pousses",
    "le stade de rugby", "la voie verte le long du canal", "l'aéroport régional",
    "la réserve naturelle", "un centre de tri des déchets", "le port de plaisance",
    "la halle gourmande", "le conservatoire de musique",
]  # fmt: skip
# The words of every article: what a council, a company or a court case is made of.
MATTERS = [
    "le dossier", "ce projet", "la décision", "le calendrier", "les conclusions du rapport",
    "la proposition", "le financement", "cette option", "le compromis", "la convention",
]  # fmt: skip
COMPLEMENTS = [
    "après plusieurs mois de concertation", "malgré l'opposition d'une partie des élus",
    "pour un montant de 4,2 millions d'euros", "d'ici à la fin de l'année",
    "en lien avec les communes voisines", "sans attendre l'avis de l'État",
    "à la demande des associations locales", "avec le soutien de la Région",
    "faute de candidats pour reprendre l'activité", "lors de la dernière séance du conseil",
    "dans un calendrier jugé serré", "au terme d'une réunion publique animée",
]  # fmt: skip
FIGURES = [
    "Le chantier doit durer dix-huit mois et mobiliser une quarantaine d'entreprises locales.",
    "Près de 1 200 personnes ont signé la pétition en ligne, selon ses organisateurs.",
    "Le coût total est estimé à 12 millions d'euros, dont un tiers à la charge de la commune.",
    "La précédente consultation, en 2019, n'avait réuni qu'une centaine de participants.",
    "Les travaux préparatoires commenceront au printemps, si le calendrier est tenu.",
    "Une réunion d'information est prévue le mois prochain à la salle des fêtes.",
    "L'opposition annonce qu'elle déposera un recours devant le tribunal administratif.",
    "Le dossier sera de nouveau examiné en commission avant le vote définitif.",
]  # fmt: skip
QUOTE_OPENINGS = [
    "Nous ne pouvons plus attendre", "Ce projet, nous le portons depuis des années",
    "Il faut être honnête avec les habitants", "Personne ne conteste l'objectif",
    "Le calendrier est tenable", "Nous avons entendu les inquiétudes",
]  # fmt: skip
QUOTE_ENDINGS = [
    "et nous irons jusqu'au bout.", "mais la méthode pose question.",
    "à condition que l'État tienne ses engagements.", ": c'est une question de confiance.",
    "et les chiffres nous donnent raison.", "sans quoi le territoire décrochera.",
]  # fmt: skip
SUBHEADS = [
    "Un calendrier serré", "Des inquiétudes persistantes", "Ce qui va changer",
    "Le financement en question", "Les prochaines étapes", "Une concertation à reprendre",
]  # fmt: skip
KICKERS = ["Conseil municipal", "Enquête", "Reportage", "Décryptage", "Portrait", "Justice"]
COMMENT_SENTENCES = [
    "Enfin une bonne nouvelle pour le quartier.", "Et qui va payer, au bout du compte ?",
    "J'habite à deux rues de là et personne ne nous a consultés.",
    "Merci pour cet article clair et complet.", "On nous promet ça depuis dix ans.",
    "Il serait temps de penser aux familles qui n'ont pas de voiture.",
    "Les commerçants du centre-ville vont encore trinquer.",
    "Je ne comprends pas pourquoi le projet a été retardé.",
    "Bravo aux bénévoles qui se mobilisent depuis le début.",
    "Le chiffre cité dans le troisième paragraphe me paraît bien optimiste.",
    "Il faudrait aussi parler de l'entretien des routes départementales.",
    "Rendez-vous aux prochaines élections.",
]  # fmt: skip
PSEUDONYMS = [
    "Marie T.", "Jean-Luc", "Citoyen31", "Vieux Toulousain", "Anne-So", "Patrick B.",
    "Une riveraine", "Rugby34", "Fabien", "Mamie Cévenole", "Karima", "Le Sétois",
]  # fmt: skip
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
)


def scratch_database(name, action, server=SERVER):
    """Drop the database, then create it again when action is "create"."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            admin.execute(f'CREATE DATABASE "{name}"')


def _copy(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class _Writer:
    """Generate the newsroom's text, deterministically."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, items):
        return self.rng.choice(items)

    def clause(self, matter):
        subject = self.pick(SUBJECTS)
        verb = self.pick(VERBS)[subject.startswith("Les ")]
        return f"{subject} {verb} {matter}"

    def sentence(self, topic=None, city=None):
        """Return a sentence about the topic and the city if given, about the matter otherwise."""
        text = self.clause(topic or self.pick(MATTERS))
        if city:
            text += f" à {city}"
        return f"{text}, {self.pick(COMPLEMENTS)}."

    def paragraph(self, topic, city):
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(3, 5)):
            about = topic if rng.random() < 0.1 else None
            sentences.append(self.sentence(about, city if rng.random() < 0.2 else None))
        sentences.insert(rng.randint(1, len(sentences)), self.pick(FIGURES))
        return " ".join(sentences)

    def headline(self, topic, city):
        clause = self.clause(topic)
        text = f"À {city}, {clause[0].lower()}{clause[1:]}"
        if len(text) < 85:
            text += f" {self.pick(COMPLEMENTS)}"
        return text[:200]

    def quote(self):
        return f"{self.pick(QUOTE_OPENINGS)} {self.pick(QUOTE_ENDINGS)}".replace(" :", "\u00a0:")

    def comment(self):
        return " ".join(self.pick(COMMENT_SENTENCES) for _ in range(self.rng.randint(1, 4)))


def _people(cursor, writer):
    """Insert sections, bylines, organisations, speakers and tags; return their ids."""
    _copy(
        cursor,
        "articles_section",
        ["id", "name", "slug", "description", "position"],
        [
            (i, name, slugify(name), f"L'actualité de la rubrique {name}.", i)
            for i, name in enumerate(SECTIONS, 1)
        ],
    )
    names = [f"{first} {last}" for first in FIRST_NAMES[:12] for last in LAST_NAMES[:3]][:33]
    authors = [(name, False) for name in names] + [
        ("Agence Sud Presse", True),
        ("Agence Occitanie Info", True),
        ("Correspondant local", True),
    ]
    _copy(
        cursor,
        "articles_author",
        ["id", "name", "slug", "is_agency", "bio"],
        [(i, n, slugify(n), agency, "") for i, (n, agency) in enumerate(authors, 1)],
    )
    organisations = [kind.format(city=city) for kind in ORGANISATION_KINDS for city in CITIES[:7]][
        :40
    ]
    _copy(
        cursor,
        "articles_organisation",
        ["id", "name", "slug", "website", "description"],
        [(i, n, slugify(n)[:160], "", "") for i, n in enumerate(organisations, 1)],
    )
    speakers = []
    for i, (first, last) in enumerate(((f, la) for la in LAST_NAMES for f in FIRST_NAMES[::3]), 1):
        name = f"{first} {last}"
        speakers.append((i, name, slugify(name), 1 + i % 40, writer.pick(ROLES), ""))
        if len(speakers) == 240:
            break
    _copy(
        cursor,
        "articles_speaker",
        ["id", "full_name", "slug", "organisation_id", "role", "bio"],
        speakers,
    )
    tags = [*CITIES, *REGIONS, *THEMES]
    tags += [f"{theme} à {city}" for theme in THEMES[:6] for city in CITIES[:5]]
    tags = tags[:80]
    _copy(
        cursor,
        "taggit_tag",
        ["id", "name", "slug"],
        [(i, t, slugify(t)) for i, t in enumerate(tags, 1)],
    )
    return {"authors": len(authors), "speakers": speakers, "tags": len(tags)}


def _articles(cursor, writer, *, count, days, people, now):
    """Insert the articles, newest first (id 1 is the newest), with quotes, bylines and tags."""
    rng = writer.rng
    cursor.execute(
        "SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article'"
    )
    content_type = cursor.fetchone()[0]
    articles, quotes, bylines, tagged, notes = [], [], [], [], []
    for pk in range(1, count + 1):
        published_at = now - dt.timedelta(days=days) * pk / count
        topic, city = writer.pick(TOPICS), writer.pick(CITIES)
        headline = writer.headline(topic, city)
        paragraphs = [f"<p>{writer.paragraph(topic, city)}</p>" for _ in range(10)]
        subhead_at = rng.randint(4, 6)
        subhead = f"<h2>{writer.pick(SUBHEADS)}</h2>"
        lede = f"{writer.sentence(topic, city)} {writer.pick(FIGURES)}"
        kicker = writer.pick(KICKERS) if rng.random() < 0.4 else ""
        speakers = rng.sample(people["speakers"], rng.randint(2, 5))
        has_pull_quote = rng.random() < 0.7
        markers = defaultdict(str)  # after paragraph n: the markers of the quotes placed there
        for n, speaker in enumerate(speakers):
            ref = uuid.uuid5(uuid.NAMESPACE_URL, f"bench-quote-{pk}-{n}")  # no draw from rng
            text, after = writer.quote(), rng.randint(1, 10)
            markers[after] += f'<blockquote data-quote="{ref}"></blockquote>'
            quotes.append((pk, speaker[0], speaker[4], text, ref, has_pull_quote and n == 0))
        paragraphs = [p + markers[n] for n, p in enumerate(paragraphs, 1)]
        paragraphs.insert(subhead_at, subhead)
        # search_text last: read on SQLite only, PostgreSQL searches its own document.
        articles.append(
            (pk, kicker, headline, slugify(headline)[:200], lede, "", "{}", "", "", "",
             "".join(paragraphs), 1 + pk % len(SECTIONS), "published", published_at, False, True,
             False, "", hashlib.md5(f"token{pk}".encode()).hexdigest(), published_at,
             published_at, 0.5, 0.5, "")
        )  # fmt: skip
        for position, author in enumerate(
            rng.sample(range(1, people["authors"] + 1), rng.choice((1, 1, 1, 2)))
        ):
            bylines.append((pk, author, position))
        for tag in rng.sample(range(1, people["tags"] + 1), rng.randint(3, 5)):
            tagged.append((pk, content_type, tag))
        if rng.random() < 0.05:
            kind = writer.pick(["correction", "update", "clarification"])
            text = f"Une version précédente indiquait un montant erroné pour {topic}."
            notes.append((pk, kind, text, min(now, published_at + dt.timedelta(hours=6))))
    # The search index is built once after the load rather than row by row: several times faster.
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles_article' "
        "AND indexname = 'article_search_document_idx'"
    )
    search_indexes = cursor.fetchall()
    for name, _definition in search_indexes:
        cursor.execute(f"DROP INDEX {name}")
    _copy(
        cursor,
        "articles_article",
        ["id", "kicker", "headline", "slug", "lede", "lead_image", "lead_image_renditions",
         "lead_image_caption", "lead_image_credit", "lead_image_alt", "body", "section_id",
         "status", "published_at", "is_embargoed", "is_open_for_comments",
         "is_excluded_from_rankings", "review_note", "edit_token", "created_at", "updated_at",
         "lead_image_focal_x", "lead_image_focal_y", "search_text"],
        articles,
    )  # fmt: skip
    for _name, definition in search_indexes:
        cursor.execute(definition)
    _copy(
        cursor,
        "articles_quote",
        ["article_id", "speaker_id", "role", "text", "ref", "is_pull_quote"],
        quotes,
    )
    _copy(cursor, "articles_byline", ["article_id", "author_id", "position"], bylines)
    _copy(cursor, "taggit_taggeditem", ["object_id", "content_type_id", "tag_id"], tagged)
    _copy(cursor, "articles_editorialnote", ["article_id", "kind", "text", "created_at"], notes)
    return {"quotes": len(quotes), "tags": len(tagged)}


def _hourly_views(cursor, hours):
    cursor.execute(
        """
        INSERT INTO articles_hourlyviews (article_id, hour, views)
        SELECT a.id, date_trunc('hour', a.published_at) + h * interval '1 hour',
            1 + (random() * 200 / (1 + h / 6))::int
        FROM articles_article a, generate_series(0, %s - 1) h
        WHERE date_trunc('hour', a.published_at) + h * interval '1 hour' <= now()
        """,
        [hours],
    )
    return cursor.rowcount


def _comments(cursor, writer, *, count, articles, now):
    rng = writer.rng
    # A few articles draw many comments, most a handful: a power law over a shuffled order.
    order = list(range(1, articles + 1))
    rng.shuffle(order)
    cursor.execute("SELECT id, published_at FROM articles_article")
    published = dict(cursor.fetchall())
    statuses = ["approved"] * 85 + ["pending"] * 9 + ["rejected"] * 4 + ["spam"] * 2
    rows = []
    for c in range(1, count + 1):
        article = order[int(articles * rng.random() ** 1.6)]
        submitted = min(now, published[article] + dt.timedelta(hours=rng.expovariate(1 / 8)))
        status = statuses[c % 100]
        moderated = submitted + dt.timedelta(minutes=20) if status != "pending" else None
        rows.append(
            (article, rng.choice(PSEUDONYMS), f"lecteur{c}@example.org", writer.comment(),
             status, "[]", submitted, moderated and min(now, moderated),
             "abuse" if status == "rejected" else "",
             hashlib.sha256(f"visitor{c % 5000}".encode()).hexdigest(), BROWSER[c % 2],
             hashlib.sha256(f"comment{c}".encode()).hexdigest(),
             hashlib.sha256(f"lecteur{c}@example.org".encode()).hexdigest())
        )  # fmt: skip
    _copy(
        cursor,
        "comments_comment",
        ["article_id", "display_name", "email", "text", "status", "flags", "submitted_at",
         "moderated_at", "refusal_reason", "visitor_hash", "user_agent", "text_hash",
         "email_hash"],
        rows,
    )  # fmt: skip
    return len(rows)


def _reset_sequences(cursor):
    """Let the application's own inserts (posted comments) follow the ids given here."""
    for table in (
        "articles_section", "articles_author", "articles_organisation", "articles_speaker",
        "taggit_tag", "articles_article", "articles_quote", "articles_byline",
        "taggit_taggeditem", "articles_editorialnote", "articles_hourlyviews", "comments_comment",
    ):  # fmt: skip
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def build(connection, *, articles=10_000, days=30, view_hours=72, comments=100_000, seed=2026):
    """Fill a freshly migrated database; return what was built, by kind."""
    writer = _Writer(seed)
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred; checked at once, they leave no pending trigger
        # events that would forbid building the search index in the same transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        people = _people(cursor, writer)
        built = _articles(cursor, writer, count=articles, days=days, people=people, now=now)
        built["hourly counters"] = _hourly_views(cursor, view_hours)
        built["comments"] = _comments(cursor, writer, count=comments, articles=articles, now=now)
        _reset_sequences(cursor)
    connection.commit()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")
    return {"articles": articles, **built}
