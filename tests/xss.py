"""A corpus of XSS vectors, and checks that a page or a feed carries none of them alive."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JaVaScRiPt:alert(1)">clic</a>',
    '<a href="&#106;avascript:alert(1)">clic</a>',
    '<a href="java\tscript:alert(1)">clic</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<p onclick="alert(1)">paragraphe</p>',
    '<h2 onmouseover="alert(1)">intertitre</h2>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<a href=\"https://example.org\" onclick='alert(1)'>lien</a>",
    "<blockquote><script>alert(1)</script></blockquote>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="&#97;lert(1)">',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<x onclick=alert(1)>cliquez</x>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "' OR '1'='1' --",
    "1; DROP TABLE articles_article; --",
    "\u202e<script>alert(1)</script>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "${7*7}{{7*7}}<%= 7*7 %>",
    # Aimed at feeds: a reader parses the XML, then renders some of its fields as HTML.
    "]]><script>alert(1)</script><![CDATA[",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    '<!DOCTYPE r [<!ENTITY fichier SYSTEM "file:///etc/passwd">]><r>&fichier;</r>',
    '<!ENTITY rire "ha"><!ENTITY rires "&rire;&rire;&rire;&rire;">&rires;',
    "</description></item><item><title>Faux article</title><link>https://evil.example/</link>",
    '</summary><content type="html">&lt;img src=x onerror=alert(1)&gt;</content><summary>',
    '<?xml-stylesheet type="text/xsl" href="javascript:alert(1)"?>',
    '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
    "Marché de gros < 5 % & prix > 10 € : « Procter & Gamble » s’en va",
    "&amp;lt;b&amp;gt;échappé deux fois&amp;lt;/b&amp;gt; &amp;amp; co",
    "&#x3C;img src=x onerror=alert(1)&#x3E; et &#60;b&#62;gras&#60;/b&#62;",
    # A word processor's line break (vertical tab) and other characters XML 1.0 forbids.
    "Ligne un\x0bligne deux, collée depuis un traitement de texte",
    "Interdits en XML : \x01\x08\x1b[31m rouge \ufffe\uffff fin",
    '<a href=" &#14;javascript:alert(1)">lien</a>',
    # Right-to-left and zero-width tricks: inert, and kept as typed.
    "Facture\u202efdp.exe \u2066<b>isolé</b>\u2069 \u200fsigné",
    "<scr\u200bipt>alert(1)</scr\u200bipt> et jav\u200dascript:alert(1)",
    "\ufeff<svg/onload=alert(1)>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">lire</a>',
    "javascript:alert(document.domain)//https://example.org/",
    "Deux\u2028lignes\u2029puis</script><script>alert(1)//",
    '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9u'
    'bG9hZD0iYWxlcnQoMSkiLz4=">',
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that run code or change the page's behaviour; none may appear beyond the page's own.
ACTIVE_TAGS = {
    "script", "iframe", "frame", "object", "embed", "svg", "math", "style", "base", "meta",
    "link", "form", "video", "audio", "source", "body", "textarea", "noscript", "template",
}  # fmt: skip
# Elements a sanitised article body may legitimately add to a page.
BODY_TAGS = {"p", "h2", "h3", "strong", "em", "ul", "ol", "li", "blockquote", "br", "a"}


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A browser drops spaces and control characters around a URL, and tabs and newlines inside it.
URL_NOISE = re.compile(r"[\x00-\x20]")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def rendered(html):
    """Return the elements and the text a browser makes of an HTML fragment."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements, "".join(parser.text)


@lru_cache(maxsize=64)
def element_counts(html):
    """Count a page's elements by tag; a baseline page is compared with many, counted once."""
    return Counter(tag for tag, _ in elements(html))


def live_payloads(html, baseline_html, *, strict=True):
    """List what in the page could run: event handlers, script URLs, elements the page lacks."""
    problems = []
    baseline = element_counts(baseline_html)
    found = elements(html)
    for tag, attrs in found:
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            compact = URL_NOISE.sub("", value or "").lower()
            if name in URL_ATTRIBUTES and compact.startswith(BAD_SCHEMES):
                problems.append(f"<{tag} {name}={value}>")
    for tag, count in Counter(tag for tag, _ in found).items():
        allowed = tag in BODY_TAGS if strict else tag not in ACTIVE_TAGS
        if count > baseline[tag] and not allowed:
            problems.append(f"new <{tag}> element")
    return problems


def stored_rich_text_problems(html):
    """List what a stored rich text keeps beyond the editor's allow-list."""
    problems = []
    for tag, attrs in elements(html):
        if tag not in BODY_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if (tag, name) == ("blockquote", "data-quote"):  # a quote marker: a ref, nothing else
                if not UUID.fullmatch(value or ""):
                    problems.append(f"<blockquote data-quote={value}>")
            elif name not in {"href", "rel", "title"}:
                problems.append(f"<{tag} {name}>")
            if name == "href" and not (value or "").startswith(("http:", "https:", "mailto:")):
                problems.append(f"<a href={value}>")
    return problems


ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL_ATTRIBUTES = {"href", "url", "src", "uri"}
FEED_URL_ELEMENTS = {"link", "guid", "comments", "docs", f"{ATOM}id", f"{ATOM}uri"}
# A reader sees a space where the journalist typed a character that XML 1.0 cannot carry.
XML_FORBIDDEN = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_a_reader_sees(text):
    """Return a plain text as a feed reader shows it."""
    return XML_FORBIDDEN.sub(" ", text)


def read_feed(xml):
    """Return each field of a feed as a reader shows it: (field, elements rendered, text shown).

    A reader parses the XML, then renders RSS descriptions (the spec's "entity-encoded HTML")
    and Atom text constructs of type "html" as HTML; it shows every other field as plain text:
    RSS titles (plain per the RSS Advisory Board), Atom text constructs without a type or of
    type "text", names, categories (and Atom's term attribute).
    """
    return _fields(ET.fromstring(xml))


def _fields(root):
    fields = []
    for element in root.iter():
        name = element.tag.rpartition("}")[2]
        kind = element.get("type", "text") if element.tag.startswith(ATOM) else "text"
        if name == "description" or kind == "html":
            fields.append((name, *rendered(element.text or "")))
        elif kind == "xhtml":
            inner = "".join(ET.tostring(child, encoding="unicode") for child in element)
            fields.append((name, *rendered((element.text or "") + inner)))
        elif element.text and element.text.strip():
            fields.append((name, [], element.text))
        if name == "category" and element.get("term") is not None:
            fields.append(("category", [], element.get("term")))
    return fields


def feed_problems(xml):
    """List what a feed reader would run, render as markup or fail to parse in a feed."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    problems = [f"{name}: <{tag}>" for name, found, _ in _fields(root) for tag, _attrs in found]
    for element in root.iter():
        urls = [value for name, value in element.attrib.items() if name in FEED_URL_ATTRIBUTES]
        if element.tag in FEED_URL_ELEMENTS:
            urls.append(element.text or "")
        for url in urls:
            if URL_NOISE.sub("", url).lower().startswith(BAD_SCHEMES):
                problems.append(f"<{element.tag}> {url}")
    return problems


def feed_texts(xml, field):
    """Return the texts a reader shows for one kind of field, in the feed's order."""
    return [text for name, _, text in read_feed(xml) if name == field]
