"""Load the demo content: desk accounts, sections, speakers and articles (safe to run twice)."""

import random
import re
import uuid
from collections import Counter
from datetime import datetime, timedelta
from io import BytesIO
from unicodedata import normalize
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont, ImageOps

from articles import images, popularity, publishing, rendering
from articles.models import (
    Article,
    Author,
    Byline,
    EditorialNote,
    HourlyViews,
    Organisation,
    Quote,
    Section,
    Speaker,
)

PARIS = ZoneInfo("Europe/Paris")
DEMO_QUOTES = uuid.UUID("5b0c1f4e-2a57-4c1e-9d0e-6f1d3c2b9a10")  # the namespace of their refs
Status = Article.Status


def fr(value):
    """Collapse whitespace and apply French typography to every string in the value."""
    if isinstance(value, dict):
        return {key: fr(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(fr(item) for item in value)
    if not isinstance(value, str):
        return value
    text = " ".join(value.split()).replace("'", "\u2019").replace("« ", "«\u00a0")
    text = re.sub(r"\s*(</?(?:p|h2|h3|ul|ol|li)>)\s*", r"\1", text)
    return re.sub(r" ([:;!?%»])", "\u00a0\\1", text)


# Accounts; a password is only set when the account is created.
ACCOUNTS = fr(
    [
        {
            "username": "redaction",
            "password": "demo-redaction-2026",
            "group": "Editors",
            "first_name": "Hélène",
            "last_name": "Sabatier",
            "author": {
                "slug": "helene-sabatier",
                "bio": "Rédactrice en chef adjointe, chargée de l'économie régionale.",
            },
        },
        {
            "username": "journaliste",
            "password": "demo-journaliste-2026",
            "group": "Journalists",
            "first_name": "Lucie",
            "last_name": "Ferrand",
            "author": {
                "slug": "lucie-ferrand",
                "bio": "Journaliste au service économie, elle suit le numérique et les start-up.",
            },
        },
        {
            "username": "moderation",
            "password": "demo-moderation-2026",
            "group": "Moderators",
            "first_name": "Inès",
            "last_name": "Roucaud",
        },
    ]
)
AGENCY = fr(
    {
        "slug": "agence-sud-presse",
        "name": "Agence Sud Presse",
        "bio": "Agence de presse régionale : dépêches et photos du Grand Sud.",
    }
)

SECTIONS = fr(
    [
        ("economie", "Économie", "Conjoncture, emploi et investissements dans la région."),
        ("numerique", "Numérique", "Start-up, pôles numériques et métiers qui se transforment."),
        (
            "territoires",
            "Territoires",
            "Métropoles, villes moyennes et campagnes face au changement.",
        ),
        (
            "entreprises",
            "Entreprises",
            "Créations, levées de fonds et reprises : la vie des sociétés.",
        ),
        ("innovation", "Innovation", "Recherche, incubateurs et produits inventés dans la région."),
    ]
)

ORGANISATIONS = fr(
    [
        (
            "garonne-numerique",
            "Garonne Numérique",
            "Pôle des entreprises du numérique toulousaines.",
        ),
        (
            "cap-lez-numerique",
            "Cap Lez Numérique",
            "Réseau des entreprises numériques de Montpellier.",
        ),
        (
            "tech-hexagone-toulouse",
            "Tech Hexagone Toulouse",
            "Antenne toulousaine du label national Tech Hexagone, qui accompagne les start-up.",
        ),
        (
            "tech-hexagone-montpellier",
            "Tech Hexagone Montpellier",
            "Antenne montpelliéraine du label national Tech Hexagone.",
        ),
        ("ondea-systemes", "Ondéa Systèmes", "Hébergeur informatique fondé à Montpellier en 2009."),
        ("midi-connexions", "Midi Connexions", "Organisateur du salon professionnel Midi Connect."),
        ("hers-et-coteaux", "Hers et Coteaux", "Coopérative agricole du Lauragais."),
    ]
)

# Speakers: slug, full name, organisation, current role, biography.
SPEAKERS = fr(
    [
        (
            "jerome-vialaret",
            "Jérôme Vialaret",
            "garonne-numerique",
            "président d'Altimap et président d'honneur de Garonne Numérique",
            "Ingénieur en géomatique, cofondateur d'Altimap, il a présidé Garonne Numérique.",
        ),
        (
            "sandrine-moulinier",
            "Sandrine Moulinier",
            "cap-lez-numerique",
            "présidente de Cap Lez Numérique",
            "Directrice associée de l'agence Pixelune, elle préside Cap Lez Numérique depuis 2015.",
        ),
        (
            "thomas-esperou",
            "Thomas Espérou",
            "tech-hexagone-toulouse",
            "délégué général de Tech Hexagone Toulouse",
            "Ancien dirigeant d'une société de services informatiques.",
        ),
        (
            "nadia-berkani",
            "Nadia Berkani",
            "tech-hexagone-montpellier",
            "directrice de Tech Hexagone Montpellier",
            "Coordinatrice de l'antenne à ses débuts, elle la dirige aujourd'hui.",
        ),
        (
            "benoit-carrasco",
            "Benoît Carrasco",
            "ondea-systemes",
            "fondateur et directeur général d'Ondéa Systèmes",
            "Il a fondé Ondéa Systèmes après dix ans dans l'hébergement informatique.",
        ),
        (
            "marion-delpoux",
            "Marion Delpoux",
            "midi-connexions",
            "directrice de Midi Connexions",
            "Elle organise le salon Midi Connect depuis sa première édition.",
        ),
        (
            "remi-canteloup",
            "Rémi Canteloup",
            "hers-et-coteaux",
            "responsable des services agronomiques de la coopérative Hers et Coteaux",
            "Agronome, il conseille les adhérents de la coopérative.",
        ),
    ]
)

# Articles. "published": an aware datetime, or a timedelta from now (kept once created).
# "quotes": (after paragraph, speaker, role as written, text), each placed there by a marker in
# the body; "pull_quote": its paragraph.
ARTICLES = fr(
    [
        {
            "slug": "fusion-des-regions-poles-numeriques-toulouse-montpellier",
            "section": "numerique",
            "kicker": "Économie numérique",
            "headline": """Fusion des régions : les pôles numériques de Toulouse et de Montpellier
                apprennent à travailler ensemble""",
            "lede": """À sept mois de la naissance de la grande région, les réseaux d'entreprises
                numériques de Toulouse et de Montpellier se sont retrouvés pour la première fois
                autour d'une même table. Entre rivalité assumée et envie de peser ensemble, leurs
                responsables ont posé les bases d'une coopération.""",
            "body": """
<p>Ils se croisaient dans les salons parisiens, rarement ailleurs. Jeudi soir, une quarantaine de
dirigeants d'entreprises numériques toulousaines et montpelliéraines se sont retrouvés à
Carcassonne, à mi-chemin ou presque entre les deux métropoles, à l'invitation de Midi Connexions,
qui organise chaque automne le salon Midi Connect.</p>
<p>L'enjeu dépasse la simple courtoisie. Le 1er janvier 2016, Midi-Pyrénées et
Languedoc-Roussillon ne formeront plus qu'une seule région, avec une seule stratégie de
développement économique et une seule enveloppe pour soutenir l'innovation. Les deux pôles, qui
se sont longtemps regardés en concurrents, devront parler d'une même voix.</p>
<p>Les deux réseaux ne se ressemblent pas tout à fait. Garonne Numérique fédère près de 300
entreprises, souvent liées à l'aéronautique et au spatial, quand Cap Lez Numérique s'est construit
autour de la santé connectée et des services en ligne. Une complémentarité que chacun met
désormais en avant.</p>
<p>Le label national Tech Hexagone, décroché par les deux métropoles à quelques mois
d'intervalle, sert déjà de trait d'union. Ses antennes locales ont pris l'habitude d'échanger
leurs contacts d'investisseurs et de partager certains déplacements à l'étranger.</p>
<p>Reste la question qui fâche : où siégeront les futures instances régionales ? Plusieurs
participants reconnaissent, à mi-voix, la crainte de voir l'une des deux villes s'effacer
derrière l'autre.</p>
<p>Les chefs d'entreprise présents semblent, eux, moins préoccupés par la géographie
institutionnelle que par leurs marchés. Pour beaucoup, une région de plus de cinq millions
d'habitants est d'abord un terrain de jeu plus vaste.</p>
<h2>Cinq pistes pour travailler ensemble</h2>
<p>La soirée s'est achevée par un atelier animé par les deux antennes de Tech Hexagone. Cinq
idées ont été retenues pour être étudiées d'ici l'automne :</p>
<ul>
<li>un annuaire commun des entreprises numériques des deux régions, ouvert à tous en ligne ;</li>
<li>un « passeport » donnant aux adhérents de chaque pôle l'accès aux événements de l'autre ;</li>
<li>une navette mensuelle entre les pépinières d'entreprises des deux métropoles ;</li>
<li>des candidatures communes aux appels à projets européens sur la santé et le spatial ;</li>
<li>un stand commun sur les grands salons internationaux dès 2016.</li>
</ul>
<p>Le stand commun a suscité le plus de débats. Faut-il une bannière unique, au risque
d'effacer les marques locales, ou deux pavillons voisins ? Les participants se sont promis de
trancher avant l'été.</p>
<p>Côté montpelliérain, on insiste sur la santé connectée, une filière qui compte plusieurs
dizaines de jeunes entreprises et entretient des liens étroits avec le centre hospitalier
universitaire.</p>
<p>Les deux pôles se sont donné rendez-vous à l'automne, à Montpellier cette fois, pendant le
salon Midi Connect. Ils comptent y présenter une feuille de route commune aux candidats aux
élections régionales de décembre.</p>""",
            "quotes": [
                (
                    1,
                    "marion-delpoux",
                    "directrice de Midi Connexions",
                    """Nous voulions un terrain neutre. Personne n'avait envie de jouer à domicile
                    le premier soir.""",
                ),
                (
                    2,
                    "jerome-vialaret",
                    """président de Garonne Numérique (le pôle numérique toulousain, NDLR) et
                    cofondateur d'Altimap""",
                    """Si nous arrivons à l'hôtel de région en ordre dispersé, d'autres choisiront
                    à notre place. Je préfère que nous fassions ce travail nous-mêmes.""",
                ),
                (
                    3,
                    "sandrine-moulinier",
                    "présidente de Cap Lez Numérique et directrice associée de l'agence Pixelune",
                    """À Toulouse, on fabrique des satellites ; chez nous, on soigne des patients
                    avec des applications. Ce n'est pas un doublon, ce sont deux jambes pour
                    marcher.""",
                ),
                (
                    4,
                    "thomas-esperou",
                    "délégué général de Tech Hexagone Toulouse",
                    """Le label nous a obligés à nous parler. La fusion nous oblige maintenant à
                    construire quelque chose ensemble, et c'est bien plus intéressant.""",
                ),
                (
                    5,
                    "nadia-berkani",
                    "coordinatrice de Tech Hexagone Montpellier",
                    """Nous ne demandons pas de garde-fous, nous demandons de la lisibilité. Une
                    start-up montpelliéraine doit savoir à quelle porte frapper en 2016.""",
                ),
                (
                    6,
                    "benoit-carrasco",
                    "fondateur et directeur général d'Ondéa Systèmes, hébergeur montpelliérain",
                    """Mes clients sont à Toulouse, mes développeurs à Montpellier. Pour moi, la
                    fusion a eu lieu il y a cinq ans.""",
                ),
                (
                    8,
                    "jerome-vialaret",
                    "président de Garonne Numérique",
                    """Vu de San Francisco ou de Shanghai, Toulouse et Montpellier sont voisines.
                    Il serait temps que nous nous en apercevions nous-mêmes.""",
                ),
                (
                    9,
                    "sandrine-moulinier",
                    "présidente de Cap Lez Numérique",
                    """Si la future région cherche une filière d'excellence en santé connectée,
                    elle l'a déjà. Il suffit de ne pas la déménager.""",
                ),
                (
                    10,
                    "marion-delpoux",
                    "directrice de Midi Connexions et organisatrice du salon Midi Connect",
                    """À Montpellier, nous réserverons une salle plus grande : ce soir, certains
                    ont dû rester debout jusqu'à minuit.""",
                ),
            ],
            "pull_quote": 6,
            "tags": [
                "Occitanie",
                "Languedoc-Roussillon-Midi-Pyrénées",
                "Midi-Pyrénées",
                "Languedoc-Roussillon",
                "Toulouse",
                "Montpellier",
                "Carcassonne",
                "Garonne Numérique",
                "Cap Lez Numérique",
                "Tech Hexagone",
                "Réforme territoriale",
            ],
            "by": ["lucie-ferrand", "agence-sud-presse"],
            "published": datetime(2015, 5, 25, 19, 26, tzinfo=PARIS),
            "photo": {
                "scene": "city",
                "sky": ((86, 52, 120), (240, 150, 80)),
                "title": "Garonne Numérique",
                "place": "Toulouse",
                "caption": """Le pôle Garonne Numérique, à Toulouse, réunit surtout des éditeurs de
                    logiciels embarqués pour l'aéronautique et le spatial.""",
                "credit": "Studio L'Écho des régions",
                "alt": """Illustration : silhouettes d'immeubles de bureaux aux fenêtres éclairées
                    sous un ciel violet et orange, avec l'inscription « Garonne Numérique,
                    Toulouse ».""",
            },
            "note": (
                "correction",
                datetime(2015, 5, 26, 9, 40, tzinfo=PARIS),
                """Une première version de cet article attribuait 400 adhérents à Garonne
                Numérique ; le pôle en revendique près de 300.""",
            ),
        },
        {
            "slug": "garonne-numerique-renouvelle-son-bureau",
            "section": "numerique",
            "kicker": "Toulouse",
            "headline": "Garonne Numérique renouvelle son bureau et vise les 300 adhérents",
            "lede": """Le pôle des entreprises numériques toulousaines a élu un bureau élargi lors
                de son assemblée générale. Il veut convaincre les jeunes sociétés de l'aéronautique
                de le rejoindre.""",
            "body": """
<p>L'assemblée générale de Garonne Numérique s'est tenue lundi soir dans un amphithéâtre comble.
Le réseau, qui revendique 240 adhérents, a élu un bureau de neuf membres, dont quatre dirigeants
de sociétés créées il y a moins de trois ans. La présidence sera renouvelée au printemps.</p>
<p>Priorité affichée pour 2015 : attirer les petites entreprises qui travaillent pour
l'aéronautique et le spatial sans se reconnaître dans le numérique <em>grand public</em>.</p>
<p>Le réseau ouvrira aussi une permanence hebdomadaire pour aider ses membres à répondre aux
appels d'offres publics.</p>""",
            "quotes": [
                (
                    2,
                    "jerome-vialaret",
                    "vice-président de Garonne Numérique, chargé des jeunes entreprises",
                    """Beaucoup de sociétés qui écrivent du logiciel pour les avionneurs ne se
                    voient pas comme des entreprises du numérique. C'est pourtant exactement ce
                    qu'elles sont.""",
                ),
            ],
            "tags": ["Toulouse", "Midi-Pyrénées", "Garonne Numérique"],
            "by": ["lucie-ferrand"],
            "published": datetime(2015, 1, 20, 8, 45, tzinfo=PARIS),
        },
        {
            "slug": "montpellier-sante-connectee-investisseurs",
            "section": "economie",
            "kicker": "Montpellier",
            "headline": """À Montpellier, la santé connectée attire une
                nouvelle vague d'investisseurs""",
            "lede": """Trois jeunes entreprises montpelliéraines de la santé connectée ont levé des
                fonds depuis janvier. Les réseaux locaux y voient la confirmation d'une
                spécialité.""",
            "body": """
<p>Un pilulier qui prévient l'aidant quand un médicament est oublié, une plateforme de
rééducation à domicile, un logiciel d'aide au tri aux urgences : les trois sociétés qui ont
bouclé un tour de table depuis le début de l'année sont nées à Montpellier, à quelques minutes du
centre hospitalier universitaire.</p>
<p>Les montants restent modestes, de 400 000 euros à 1,2 million d'euros, mais les investisseurs
viennent désormais de Lyon, de Paris ou de Genève.</p>
<h2>Un réseau qui se structure</h2>
<p>Les acteurs locaux veulent transformer l'essai en organisant, dès juin, une journée de
rencontres entre jeunes entreprises et médecins hospitaliers.</p>""",
            "quotes": [
                (
                    1,
                    "sandrine-moulinier",
                    "directrice associée de l'agence Pixelune",
                    """Les investisseurs ne viennent plus pour le soleil. Ils viennent parce que
                    les médecins et les développeurs travaillent ici dans le même quartier.""",
                ),
                (
                    3,
                    "nadia-berkani",
                    "coordinatrice de Tech Hexagone Montpellier",
                    """Chaque semaine, des fonds nous demandent la liste de nos entreprises de
                    santé. Il y a deux ans, personne ne nous la demandait.""",
                ),
            ],
            "tags": ["Montpellier", "Languedoc-Roussillon", "Santé connectée", "Tech Hexagone"],
            "by": ["lucie-ferrand"],
            "published": datetime(2015, 3, 12, 11, 10, tzinfo=PARIS),
        },
        {
            "slug": "ondea-systemes-second-centre-de-donnees",
            "section": "entreprises",
            "kicker": "Hébergement",
            "headline": "Ondéa Systèmes ouvre un second centre de données aux portes de Toulouse",
            "lede": """L'hébergeur montpelliérain investit 6 millions d'euros dans un bâtiment de
                Colomiers. Une vingtaine d'emplois doivent être créés d'ici 2017.""",
            "body": """
<p>Ondéa Systèmes franchit la Garonne. L'hébergeur informatique, fondé à Montpellier en 2009, a
signé l'achat d'un ancien entrepôt logistique à Colomiers, qu'il transformera en centre de
données d'ici le printemps prochain.</p>
<p>Le site accueillera d'abord les serveurs de clients industriels toulousains, qui veulent que
leurs données restent à proximité de leurs bureaux d'études.</p>
<p>L'entreprise, qui emploie 85 salariés, compte recruter une vingtaine de techniciens et
d'ingénieurs sur place.</p>""",
            "quotes": [
                (
                    1,
                    "benoit-carrasco",
                    "fondateur et directeur général d'Ondéa Systèmes",
                    """Nos clients toulousains nous demandaient de venir à eux. Avec la future
                    grande région, ce n'est plus une expansion, c'est un changement de
                    quartier.""",
                ),
            ],
            "tags": ["Toulouse", "Colomiers", "Montpellier", "Ondéa Systèmes"],
            "by": ["agence-sud-presse"],
            "published": datetime(2015, 6, 18, 7, 30, tzinfo=PARIS),
            "photo": {
                "scene": "city",
                "sky": ((16, 28, 64), (40, 150, 160)),
                "title": "Ondéa Systèmes",
                "place": "Colomiers",
                "caption": """Le futur centre de données d'Ondéa Systèmes, à Colomiers, accueillera
                    d'abord des clients industriels.""",
                "credit": "Agence Sud Presse",
                "alt": """Illustration : silhouettes de bâtiments sous un ciel bleu nuit, avec
                    l'inscription « Ondéa Systèmes, Colomiers ».""",
            },
        },
        {
            "slug": "midi-connect-2015-affluence-record",
            "section": "innovation",
            "kicker": "Salon",
            "headline": """Midi Connect : affluence record pour une
                édition tournée vers la grande région""",
            "lede": """Plus de 4 000 visiteurs se sont pressés au salon des entreprises numériques
                du Sud, organisé pour la première fois à Montpellier. Toulouse et Montpellier y
                partageaient un stand.""",
            "body": """
<p>Le stand commun imaginé au printemps a vu le jour : sur un même îlot, une trentaine
d'entreprises toulousaines et montpelliéraines présentaient leurs produits sous une bannière
unique, <strong>Tech Sud</strong>.</p>
<p>Les organisateurs comptent plus de 4 000 visiteurs sur deux jours, contre 2 800 l'an dernier
à Toulouse.</p>
<p>Les conférences les plus suivies portaient sur le financement des jeunes entreprises et sur
la sécurité informatique des PME.</p>""",
            "quotes": [
                (
                    1,
                    "marion-delpoux",
                    "directrice de Midi Connexions",
                    "Nous avions promis une salle plus grande. Il en aurait fallu une deuxième.",
                ),
                (
                    2,
                    "thomas-esperou",
                    "délégué général de Tech Hexagone Toulouse",
                    """Sur le stand commun, les visiteurs ne savaient pas qui venait de quelle
                    ville. C'était exactement le but.""",
                ),
            ],
            "tags": ["Montpellier", "Toulouse", "Midi Connect", "Tech Hexagone"],
            "by": ["lucie-ferrand"],
            "published": datetime(2015, 10, 5, 18, 5, tzinfo=PARIS),
        },
        {
            "slug": "regionales-feuille-de-route-numerique",
            "section": "territoires",
            "kicker": "Après les régionales",
            "headline": """Les pôles numériques de Toulouse et Montpellier remettent leur feuille
                de route à la nouvelle région""",
            "lede": """Au lendemain du second tour, Garonne Numérique et Cap Lez Numérique ont
                publié vingt propositions communes. Ils demandent notamment un guichet unique pour
                les jeunes entreprises.""",
            "body": """
<p>Le document tient en douze pages et porte deux logos. Préparé depuis la rencontre de
Carcassonne, en mai, il a été envoyé ce lundi matin à tous les élus de la future assemblée
régionale.</p>
<p>Parmi les vingt propositions :</p>
<ul>
<li>un guichet unique pour les aides à l'innovation, avec une antenne dans chaque métropole ;</li>
<li>un fonds d'amorçage régional doté de 20 millions d'euros ;</li>
<li>un programme commun de formation aux métiers du développement.</li>
</ul>
<p>Les deux réseaux demandent à être reçus avant la fin du mois de janvier.</p>""",
            "quotes": [
                (
                    1,
                    "jerome-vialaret",
                    "président de Garonne Numérique",
                    """Nous avons écrit ce texte à deux mains, parfois à quatre. Ce n'était pas
                    toujours simple, mais il n'y a pas une ligne que l'un de nous n'assume
                    pas.""",
                ),
                (
                    3,
                    "sandrine-moulinier",
                    "présidente de Cap Lez Numérique",
                    """Nous ne demandons pas plus d'argent : nous demandons que l'argent arrive
                    plus vite.""",
                ),
            ],
            "tags": [
                "Languedoc-Roussillon-Midi-Pyrénées",
                "Toulouse",
                "Montpellier",
                "Garonne Numérique",
                "Cap Lez Numérique",
                "Élections régionales",
            ],
            "by": ["lucie-ferrand", "helene-sabatier"],
            "published": datetime(2015, 12, 14, 12, 40, tzinfo=PARIS),
        },
        {
            "slug": "montpellier-programme-ia-sobre",
            "section": "innovation",
            "kicker": "Intelligence artificielle",
            "headline": "À Montpellier, un programme d'accompagnement parie sur une IA plus sobre",
            "lede": """Tech Hexagone Montpellier lance un programme de six mois pour des start-up
                qui entraînent leurs modèles avec peu de données et peu d'énergie. Huit équipes
                ont été retenues.""",
            "body": """
<p>Moins de calcul, moins de données, moins d'électricité : c'est le cahier des charges des huit
jeunes entreprises sélectionnées pour le nouveau programme de Tech Hexagone Montpellier.</p>
<p>Les projets vont de la détection de fuites sur les réseaux d'irrigation à la lecture
automatique d'ordonnances, en passant par la prévision de fréquentation des plages.</p>
<p>Chaque équipe aura accès à des serveurs mutualisés et rencontrera régulièrement des
chercheurs de l'université.</p>""",
            "quotes": [
                (
                    1,
                    "nadia-berkani",
                    "directrice de Tech Hexagone Montpellier",
                    """La question n'est plus de savoir si un modèle fonctionne, mais combien il
                    coûte à faire tourner. Nos start-up ont intérêt à se la poser dès le premier
                    jour.""",
                ),
            ],
            "tags": ["Montpellier", "Occitanie", "Tech Hexagone", "Intelligence artificielle"],
            "by": ["lucie-ferrand"],
            "published": timedelta(days=-30),
            "photo": {
                "scene": "city",
                "sky": ((60, 30, 90), (230, 120, 160)),
                "title": "Tech Hexagone",
                "place": "Montpellier",
                "caption": """Les locaux de Tech Hexagone Montpellier accueillent les huit équipes
                    du programme.""",
                "credit": "Studio L'Écho des régions",
                "alt": """Illustration : silhouettes d'immeubles sous un ciel violet et rose, avec
                    l'inscription « Tech Hexagone, Montpellier ».""",
            },
        },
        {
            "slug": "numerique-occitanie-recrutements-formation",
            "section": "economie",
            "kicker": "Emploi",
            "headline": """Numérique : en Occitanie, les entreprises recrutent
                plus vite qu'on ne forme""",
            "lede": """Une enquête auprès de 600 entreprises régionales du secteur compte 3 500
                postes non pourvus. Les réseaux professionnels demandent des formations plus
                courtes.""",
            "body": """
<p>Développeurs, administrateurs de systèmes, spécialistes de la sécurité : selon l'enquête
publiée mardi par les réseaux d'entreprises numériques de la région, 3 500 postes resteraient
vacants faute de candidats.</p>
<p>La pénurie touche davantage les villes moyennes que les deux métropoles, où se concentrent
les candidats.</p>
<h2>Des reconversions en moins d'un an</h2>
<p>Les auteurs proposent des cursus de six à neuf mois, financés en partie par les entreprises
qui s'engageraient à embaucher.</p>
<p>Le détail des résultats est publié sur
<a href="https://www.example.org/enquete-numerique">le site de l'enquête</a>.</p>""",
            "quotes": [
                (
                    2,
                    "thomas-esperou",
                    "délégué général de Tech Hexagone Toulouse",
                    """À Rodez ou à Tarbes, une entreprise peut attendre un an pour recruter un
                    développeur. Ce n'est plus un frein, c'est un mur.""",
                ),
                (
                    3,
                    "sandrine-moulinier",
                    "présidente de Cap Lez Numérique",
                    """Nous ne manquons pas de talents, nous manquons de passerelles. Une
                    aide-soignante qui veut devenir développeuse doit pouvoir le faire en moins
                    d'un an.""",
                ),
            ],
            "tags": ["Occitanie", "Emploi", "Formation", "Tech Hexagone", "Cap Lez Numérique"],
            "by": ["helene-sabatier"],
            "published": timedelta(days=-12),
        },
        {
            "slug": "lauragais-cooperative-sondes-irrigation",
            "section": "territoires",
            "kicker": "Agriculture",
            "headline": """Dans le Lauragais, une coopérative équipe ses
                parcelles de sondes pour économiser l'eau""",
            "lede": """La coopérative Hers et Coteaux a installé 150 sondes d'humidité chez une
                quarantaine d'adhérents. Les premières mesures promettent jusqu'à 20 % d'irrigation
                en moins.""",
            "body": """
<p>Plantées tous les deux hectares, les sondes mesurent l'humidité du sol à trois profondeurs et
envoient leurs relevés toutes les heures. Les agriculteurs les consultent sur leur téléphone
avant de déclencher l'arrosage.</p>
<p>Le matériel a été conçu par une jeune entreprise toulousaine ; la coopérative a pris en charge
l'installation et la formation des adhérents.</p>
<p>Si l'essai se confirme, l'équipement sera proposé aux 600 exploitations adhérentes d'ici deux
ans.</p>""",
            "quotes": [
                (
                    1,
                    "remi-canteloup",
                    "responsable des services agronomiques de la coopérative Hers et Coteaux",
                    """Nos adhérents arrosaient à l'œil, comme leurs parents. Maintenant, ils
                    arrosent à la mesure, et ils voient la différence sur la facture.""",
                ),
            ],
            "tags": ["Lauragais", "Haute-Garonne", "Agriculture", "Eau", "Objets connectés"],
            "by": ["agence-sud-presse"],
            "published": timedelta(days=-6),
            "pinned": 2,
            "photo": {
                "scene": "fields",
                "sky": ((120, 170, 220), (250, 235, 190)),
                "title": "Hers et Coteaux",
                "place": "Lauragais",
                "caption": """Une parcelle de la coopérative Hers et Coteaux équipée de sondes
                    d'humidité, dans le Lauragais.""",
                "credit": "Agence Sud Presse",
                "alt": """Illustration : collines vertes sous un ciel clair, avec l'inscription
                    « Hers et Coteaux, Lauragais ».""",
            },
        },
        {
            "slug": "altimap-leve-4-millions-euros",
            "section": "entreprises",
            "kicker": "Levée de fonds",
            "headline": "Altimap lève 4 millions d'euros pour cartographier les réseaux enterrés",
            "lede": """La société toulousaine, qui repère sans creuser les canalisations et les
                câbles, prépare son implantation en Espagne. Elle prévoit de doubler ses effectifs
                en trois ans.""",
            "body": """
<p>Fondée en 2011, Altimap combine relevés par géoradar et logiciels de modélisation pour
localiser, sans creuser, les canalisations d'eau et les câbles enterrés. Ses clients sont surtout
des collectivités et des syndicats des eaux.</p>
<p>La levée de fonds, menée auprès d'un fonds régional et de deux investisseurs privés, doit
financer l'ouverture d'un bureau à Barcelone et le recrutement d'une trentaine de personnes.</p>
<p>L'entreprise emploie aujourd'hui 32 salariés à Toulouse.</p>""",
            "quotes": [
                (
                    1,
                    "jerome-vialaret",
                    "président d'Altimap et président d'honneur de Garonne Numérique",
                    """Une ville ne peut pas réparer une fuite qu'elle ne voit pas. Nous lui
                    vendons des yeux pour regarder sous la chaussée.""",
                ),
            ],
            "tags": ["Toulouse", "Altimap", "Levée de fonds", "Eau"],
            "by": ["lucie-ferrand"],
            "published": timedelta(days=-3),
            "note": (
                "update",
                timedelta(days=-2),
                """Après la publication de cet article, Altimap a précisé que son bureau de
                Barcelone ouvrirait au premier trimestre.""",
            ),
        },
        {
            "slug": "cybersecurite-diagnostic-gratuit-pme",
            "section": "numerique",
            "kicker": "Cybersécurité",
            "headline": "Cybersécurité : des hébergeurs régionaux offrent un diagnostic aux PME",
            "lede": """Une dizaine d'hébergeurs et d'intégrateurs d'Occitanie s'associent pour
                auditer gratuitement les petites entreprises. Les rançongiciels restent la première
                menace signalée.""",
            "body": """
<p>L'opération durera trois mois. Les entreprises de moins de cinquante salariés peuvent
s'inscrire en ligne et recevoir la visite d'un technicien, qui vérifie les sauvegardes, les mots
de passe et les mises à jour.</p>
<p>Les organisateurs espèrent réaliser un millier de diagnostics, financés par les entreprises
participantes.</p>
<p>Parmi les conseils les plus souvent donnés :</p>
<ol>
<li>copier les sauvegardes hors des locaux ;</li>
<li>activer la double authentification sur la messagerie ;</li>
<li>apprendre aux salariés à reconnaître un courriel piégé.</li>
</ol>""",
            "quotes": [
                (
                    2,
                    "benoit-carrasco",
                    "fondateur et directeur général d'Ondéa Systèmes",
                    """Une PME qui perd ses données perd souvent ses clients dans la foulée. Une
                    heure de diagnostic coûte moins cher qu'une semaine à l'arrêt.""",
                ),
            ],
            "tags": ["Occitanie", "Cybersécurité", "PME", "Ondéa Systèmes"],
            "by": ["agence-sud-presse"],
            "published": timedelta(days=-2),
            "note": (
                "note",
                timedelta(days=-2, hours=1),
                "Cet article a été rédigé à partir d'une dépêche de l'Agence Sud Presse.",
            ),
        },
        {
            "slug": "midi-connect-espace-jeunes-entreprises",
            "section": "innovation",
            "kicker": "Salon",
            "headline": """Midi Connect réserve cinquante stands aux entreprises
                de moins de deux ans""",
            "lede": """Le salon des entreprises numériques du Sud ouvre un espace gratuit aux très
                jeunes sociétés. Elles pourront présenter leur projet à des investisseurs en dix
                minutes.""",
            "body": """
<p>Les candidatures sont ouvertes jusqu'à la fin du mois. Un jury de chefs d'entreprise et de
représentants des réseaux régionaux retiendra cinquante dossiers.</p>
<p>Les entreprises choisies disposeront d'un stand gratuit et d'une séance de présentation
devant des investisseurs.</p>""",
            "quotes": [
                (
                    2,
                    "marion-delpoux",
                    "directrice de Midi Connexions",
                    """Une jeune société ne peut pas payer un stand au prix d'un grand groupe.
                    Nous préférons la voir dans les allées plutôt que chez elle.""",
                ),
            ],
            "tags": ["Occitanie", "Midi Connect", "Start-up"],
            "by": ["lucie-ferrand"],
            "published": timedelta(days=-1),
        },
        {
            "slug": "fibre-optique-derniers-villages-tarn",
            "section": "economie",
            "kicker": "Infrastructures",
            "headline": """Fibre optique : les derniers villages du
                Tarn raccordés d'ici la fin de l'année""",
            "lede": """Le syndicat départemental annonce l'achèvement du réseau public de fibre dans
                les prochains mois. Une centaine de communes rurales attendaient encore.""",
            "body": """
<p>Le chantier aura duré près de huit ans. Les dernières armoires de rue sont en cours
d'installation dans une centaine de petites communes des monts de Lacaune et de la Montagne
noire.</p>
<p>Dans les villages déjà raccordés, les abonnements progressent plus vite que prévu, portés par
le télétravail et l'arrivée de nouvelles familles.</p>
<p>Reste à convaincre les opérateurs de proposer leurs offres partout : dans certaines communes,
un seul fournisseur est disponible.</p>""",
            "tags": ["Tarn", "Occitanie", "Fibre optique"],
            "by": ["helene-sabatier"],
            "published": timedelta(hours=-5),
            "photo": {
                "scene": "fields",
                "sky": ((70, 110, 170), (235, 205, 170)),
                "title": "Fibre optique",
                "place": "Monts de Lacaune",
                "caption": """Les collines des monts de Lacaune, où les derniers villages attendent
                    la fibre.""",
                "credit": "Hélène Sabatier",
                "alt": """Illustration : collines vertes au soleil couchant, avec l'inscription
                    « Fibre optique, Monts de Lacaune ».""",
            },
        },
        {
            "slug": "tiers-lieux-ruraux-teletravail",
            "section": "territoires",
            "kicker": "Télétravail",
            "headline": """Dans les villages, les tiers-lieux affichent complet
                les jours de télétravail""",
            "lede": """Installés dans d'anciennes écoles ou d'anciennes gares, les espaces de
                travail partagés se multiplient à la campagne. Leurs animateurs cherchent encore
                un modèle économique.""",
            "body": """
<p>Le mardi et le jeudi, il faut réserver sa place. Installé dans l'ancienne gare du village, le
tiers-lieu accueille une quinzaine de salariés qui évitent ainsi une heure de route.</p>
<p>Les autres jours, l'espace est presque vide, et les recettes ne couvrent pas le loyer.</p>""",
            "tags": ["Télétravail", "Tiers-lieux"],
            "by": ["lucie-ferrand"],
            "status": Status.DRAFT,
            "review_note": """Il manque le point de vue de la communauté de communes sur le
                financement. Peux-tu aussi nommer le village ?""",
        },
        {
            "slug": "start-up-toulousaine-batteries-trottinettes",
            "section": "entreprises",
            "kicker": "Économie circulaire",
            "headline": """Une start-up toulousaine donne une seconde vie
                aux batteries de trottinettes""",
            "lede": """La jeune société démonte les batteries usagées pour en récupérer les cellules
                encore saines. Elle vise 20 000 batteries traitées l'an prochain.""",
            "body": """
<p>Dans un atelier du quartier Saint-Cyprien, quatre techniciens testent une à une les cellules
des batteries rapportées par les loueurs de trottinettes.</p>
<p>Les cellules saines servent à assembler des batteries de vélos cargos ; les autres partent au
recyclage.</p>""",
            "quotes": [
                (
                    2,
                    "thomas-esperou",
                    "délégué général de Tech Hexagone Toulouse",
                    """C'est le genre de projet que Toulouse sait accompagner : du matériel, de la
                    chimie et beaucoup de logiciel.""",
                ),
            ],
            "tags": ["Toulouse", "Économie circulaire"],
            "by": ["lucie-ferrand"],
            "status": Status.READY,
        },
        {
            "slug": "navette-start-up-toulouse-montpellier",
            "section": "territoires",
            "kicker": "Mobilité",
            "headline": "Entre Toulouse et Montpellier, la navette des jeunes entreprises repart",
            "lede": """Imaginée en 2015 lors du rapprochement des pôles numériques, la navette
                mensuelle entre les deux métropoles avait été suspendue. Elle redémarre avec un
                nouveau format.""",
            "body": """
<p>Un car, deux arrêts, une journée de rencontres : la formule reste simple. Chaque mois, une
trentaine de fondateurs feront le trajet pour visiter les entreprises de l'autre métropole.</p>
<p>Les inscriptions sont gratuites pour les adhérents des deux antennes de Tech Hexagone.</p>""",
            "quotes": [
                (
                    1,
                    "nadia-berkani",
                    "directrice de Tech Hexagone Montpellier",
                    """Deux heures de route ensemble, c'est souvent plus utile qu'une journée de
                    salon.""",
                ),
            ],
            "tags": ["Toulouse", "Montpellier", "Tech Hexagone"],
            "by": ["lucie-ferrand"],
            "published": timedelta(days=2),
        },
        {
            "slug": "ondea-systemes-resultats-annuels",
            "section": "economie",
            "kicker": "Résultats",
            "headline": """Ondéa Systèmes double son chiffre d'affaires et
                prépare son entrée en Bourse""",
            "lede": """L'hébergeur montpelliérain a dépassé 40 millions d'euros de chiffre
                d'affaires sur son dernier exercice. Il vise un marché boursier réservé aux PME.""",
            "body": """
<p>Porté par ses centres de données de Montpellier et de Colomiers, Ondéa Systèmes a doublé son
chiffre d'affaires en un an.</p>
<p>L'introduction en Bourse doit financer un troisième site et l'embauche de 60 personnes.</p>""",
            "quotes": [
                (
                    1,
                    "benoit-carrasco",
                    "fondateur et directeur général d'Ondéa Systèmes",
                    """Nous restons une entreprise régionale : le siège ne bougera pas de
                    Montpellier.""",
                ),
            ],
            "tags": ["Montpellier", "Ondéa Systèmes", "Bourse"],
            "by": ["helene-sabatier"],
            "published": timedelta(hours=-1),
            "embargoed": True,
        },
    ]
)


# Where draw_photo writes the photo's title, from the left and the top: the focal point of every
# demo photo, so that its crops (cards, search engines) keep the title in.
TITLE_POINT = (0.2, 0.8)


def draw_photo(photo, size=(1600, 900)):
    """Draw a placeholder lead photo and return it as JPEG bytes."""
    width, height = size
    rng = random.Random(photo["title"])
    image = ImageOps.colorize(Image.linear_gradient("L").resize(size), *photo["sky"])
    draw = ImageDraw.Draw(image, "RGBA")
    if photo["scene"] == "fields":
        for row in range(5):
            left = rng.randint(-900, 300)
            top = 430 + row * 80
            draw.ellipse((left, top, left + 2200, top + 900), fill=(70 + row * 18, 140, 60))
    else:
        x = 0
        while x < width:
            w, h = rng.randint(90, 220), rng.randint(250, 640)
            draw.rectangle((x, height - h, x + w, height), fill=(24, 28, 44))
            for wx in range(x + 14, x + w - 24, 30):
                for wy in range(height - h + 20, height - 40, 42):
                    if rng.random() < 0.45:
                        draw.rectangle((wx, wy, wx + 14, wy + 22), fill=(255, 214, 120, 220))
            x += w + rng.randint(4, 30)
    draw.rectangle((0, height - 170, width, height), fill=(0, 0, 0, 150))
    title, place = photo["title"], photo["place"]
    try:
        big, small = (ImageFont.truetype("DejaVuSans.ttf", points) for points in (72, 36))
    except OSError:  # Pillow's own font has no accented letters
        big, small = (ImageFont.load_default(points) for points in (72, 36))
        title, place = (
            normalize("NFKD", text).encode("ascii", "ignore").decode() for text in (title, place)
        )
    draw.text((60, height - 150), title, fill="white", font=big)
    draw.text((62, height - 62), place, fill="#e6e6e6", font=small)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def refuse_in_production(options):
    """Stop unless DEBUG is on or the operator says this production site may get the demo."""
    # The demo's desk accounts have the passwords the README prints; its comments are made up.
    if not settings.DEBUG and not options["i_know_this_is_production"]:
        raise CommandError(
            "DEBUG is off: this looks like a production site, where the demo (made-up content, "
            "desk accounts whose passwords are public) does not belong. Run with DEBUG=1, or "
            "add --i-know-this-is-production."
        )


def add_production_flag(parser):
    """Add the option that lets the demo into a site running with DEBUG off."""
    parser.add_argument(
        "--i-know-this-is-production",
        action="store_true",
        help="Load the demo even with DEBUG off (its desk passwords are public).",
    )


def when(value, now):
    """Return an aware datetime from a datetime or a timedelta relative to now."""
    return now + value if isinstance(value, timedelta) else value


class Command(BaseCommand):
    help = "Load demo accounts, sections, speakers and articles; running it again changes nothing."

    def add_arguments(self, parser):
        add_production_flag(parser)

    def handle(self, *args, **options):
        refuse_in_production(options)
        self.created = Counter()
        now = timezone.now().replace(second=0, microsecond=0)
        with transaction.atomic():
            self.users, self.authors = {}, {}
            for account in ACCOUNTS:
                self.load_account(account)
            self.authors[AGENCY["slug"]] = self.get(
                Author, slug=AGENCY["slug"], defaults={**AGENCY, "is_agency": True}
            )
            self.sections = {
                slug: self.get(
                    Section,
                    slug=slug,
                    defaults={"name": name, "description": text, "position": position},
                )
                for position, (slug, name, text) in enumerate(SECTIONS, 1)
            }
            organisations = {
                slug: self.get(
                    Organisation, slug=slug, defaults={"name": name, "description": text}
                )
                for slug, name, text in ORGANISATIONS
            }
            self.speakers = {
                slug: self.get(
                    Speaker,
                    slug=slug,
                    defaults={
                        "full_name": name,
                        "organisation": organisations[organisation],
                        "role": role,
                        "bio": bio,
                    },
                )
                for slug, name, organisation, role, bio in SPEAKERS
            }
            for spec in ARTICLES:
                self.load_article(spec, now)
            self.load_views(now)
        self.report()

    def load_views(self, now):
        """Give published articles of the last weeks realistic hourly view counts, once."""
        counts = {}
        since = now - timedelta(days=21)
        recent = Article.objects.published().filter(published_at__gte=since)
        for article in recent.exclude(hourly_views__isnull=False):
            rng = random.Random(article.slug)
            appeal = rng.uniform(0.3, 1.0)
            hours = int((now - article.published_at).total_seconds() // 3600)
            for age in range(min(hours, 21 * 24)):
                hour = popularity.hour_of(article.published_at + timedelta(hours=age))
                daytime = 1.0 if 7 <= (hour.hour + 1) % 24 <= 22 else 0.25
                expected = 120 * appeal * daytime / (1 + age / 12)
                views = int(rng.gauss(expected, expected / 4))
                if views > 0:
                    counts[(article.pk, hour)] = views
        popularity.add_views(counts)
        self.created[HourlyViews._meta] += len(counts)

    def get(self, model, defaults=None, **lookup):
        """Get or create one object, counting creations."""
        obj, created = model.objects.get_or_create(defaults=defaults, **lookup)
        self.created[model._meta] += created
        return obj

    def load_account(self, spec):
        """Create a desk account with its group and byline, keeping an existing password."""
        user, created = get_user_model().objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{spec['username']}@example.org",
                "is_staff": True,
            },
        )
        if created:
            self.created[user._meta] += 1
            user.set_password(spec["password"])
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=spec["group"]))
        self.users[spec["username"]] = user
        if "author" in spec:
            slug, name = spec["author"]["slug"], f"{spec['first_name']} {spec['last_name']}"
            self.authors[slug] = self.get(
                Author,
                slug=slug,
                defaults={"name": name, "user": user, "bio": spec["author"]["bio"]},
            )

    def load_article(self, spec, now):
        """Create an article with its bylines, quotes, note and photo, then move it along."""
        authors = [self.authors[slug] for slug in spec["by"]]
        creator = next((a.user for a in authors if a.user), self.users["redaction"])
        photo = spec.get("photo", {})
        # Each quote placed by a marker after its paragraph; refs derived from the slug.
        quotes = [
            (uuid.uuid5(DEMO_QUOTES, f"{spec['slug']}/{n}"), *quote)
            for n, quote in enumerate(spec.get("quotes", []))
        ]
        body = rendering.place_quotes(spec["body"], [(after, ref) for ref, after, *_ in quotes])
        with reversion.create_revision():
            reversion.set_user(creator)
            reversion.set_comment(translation.gettext("Written for the demo"))
            article, created = Article.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "section": self.sections[spec["section"]],
                    "kicker": spec["kicker"],
                    "headline": spec["headline"],
                    "lede": spec["lede"],
                    "body": body,
                    "lead_image_caption": photo.get("caption", ""),
                    "lead_image_credit": photo.get("credit", ""),
                    "lead_image_alt": photo.get("alt", ""),
                    "lead_image_focal_x": TITLE_POINT[0],
                    "lead_image_focal_y": TITLE_POINT[1],
                    "is_embargoed": spec.get("embargoed", False),
                    "created_by": creator,
                },
            )
            self.created[Article._meta] += created
            if created:
                article.tags.set(spec["tags"])
            for position, author in enumerate(authors):
                self.get(Byline, article=article, author=author, defaults={"position": position})
            for ref, after, speaker, role, text in quotes:
                # Found by its words: a quote migrated from its old numbered place keeps its ref.
                self.get(
                    Quote,
                    article=article,
                    text=text,
                    defaults={
                        "ref": ref,
                        "speaker": self.speakers[speaker],
                        "role": role,
                        "is_pull_quote": after == spec.get("pull_quote"),
                    },
                )
            if "note" in spec:
                kind, date, text = spec["note"]
                self.get(
                    EditorialNote,
                    article=article,
                    kind=kind,
                    defaults={"text": text, "created_at": when(date, now)},
                )
            if photo and not article.lead_image:
                jpeg = ContentFile(draw_photo(photo))
                article.lead_image.save(f"{spec['slug']}.jpg", jpeg, save=False)
                article.save()
                images.refresh_renditions(article)
            elif photo and not images.has_crops(article):  # a demo loaded before crops
                images.refresh_crops(article)
        if created:
            self.move_along(article, spec, creator, now)

    def move_along(self, article, spec, creator, now):
        """Take a new article through the desk's workflow to its demo status."""
        editor = self.users["redaction"]
        status = spec.get("status", Status.PUBLISHED)
        if creator != editor and (status != Status.DRAFT or "review_note" in spec):
            publishing.submit(article, by=creator)
        if "review_note" in spec:
            publishing.send_back(article, by=editor, note=spec["review_note"])
        elif status == Status.PUBLISHED:
            publishing.publish(article, by=editor, at=when(spec["published"], now))
        if "pinned" in spec:  # la une, as the editors chose it
            Article.objects.filter(pk=article.pk).update(
                pinned_position=spec["pinned"], pinned_at=now
            )

    def report(self):
        """Print what was created and the demo accounts."""
        with translation.override("en"):
            done = [
                f"{count} {meta.verbose_name_plural if count > 1 else meta.verbose_name}"
                for meta, count in self.created.items()
                if count
            ]
        if done:
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {', '.join(done)}."))
        else:
            self.stdout.write("Demo content already loaded: nothing changed.")
        self.stdout.write("\nDemo accounts (a password is set only when the account is created):")
        self.stdout.write(f"  {'username':<13}{'group':<13}password")
        for account in ACCOUNTS:
            name, group = account["username"], account["group"]
            self.stdout.write(f"  {name:<13}{group:<13}{account['password']}")
