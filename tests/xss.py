"""A corpus of XSS vectors, and a check that a rendered page carries none of them alive."""

from collections import Counter
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


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def live_payloads(html, baseline_html, *, strict=True):
    """List what in the page could run: event handlers, script URLs, elements the page lacks."""
    problems = []
    baseline = Counter(tag for tag, _ in elements(baseline_html))
    found = elements(html)
    for tag, attrs in found:
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            compact = "".join((value or "").split()).lower()
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
            if name not in {"href", "rel", "title"}:
                problems.append(f"<{tag} {name}>")
            if name == "href" and not (value or "").startswith(("http:", "https:", "mailto:")):
                problems.append(f"<a href={value}>")
    return problems
