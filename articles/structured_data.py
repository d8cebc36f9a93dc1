"""schema.org NewsArticle data for an article page, read by search engines as JSON-LD."""

from django.conf import settings

from articles.images import CROPS, renditions_of


def _images(article, request):
    """Return the lead photo at the three ratios search engines ask for, each at its widest."""
    # Google asks for 16x9, 4x3 and 1x1, at least 1200 px wide: make_renditions cuts each crop up
    # to that width when the photo allows. A photo whose crops are yet to be cut gives itself.
    if not article.lead_image:
        return []
    stored = article.lead_image_renditions
    widest = [crop[-1] for crop in (renditions_of(stored, ratio) for ratio in CROPS) if crop]
    if not widest:
        widest = [
            {
                "url": article.lead_image.url,
                "width": article.lead_image_width,
                "height": article.lead_image_height,
            }
        ]
    return [
        {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(image["url"]),
            "width": image["width"],
            "height": image["height"],
        }
        for image in widest
    ]


def _author(author, request):
    return {
        "@type": "Organization" if author.is_agency else "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
    }


def news_article(article, request):
    """Return the NewsArticle description of an article, quotes included as Quotations."""
    url = request.build_absolute_uri(article.get_absolute_url())
    modified = max(filter(None, [article.published_at, article.revised_at]), default=None)
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.headline[:110],
        "description": article.lede,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": [_author(byline.author, request) for byline in article.bylines.all()],
        "image": _images(article, request),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
        },
        "citation": [
            {
                "@type": "Quotation",
                "text": quote.text,
                "creator": {
                    "@type": "Person",
                    "name": quote.speaker.full_name,
                    "jobTitle": quote.role,
                    "url": request.build_absolute_uri(quote.speaker.get_absolute_url()),
                    **(
                        {
                            "affiliation": {
                                "@type": "Organization",
                                "name": quote.speaker.organisation.name,
                            }
                        }
                        if quote.speaker.organisation
                        else {}
                    ),
                },
            }
            for quote in article.quotes.all()
        ],
    }
