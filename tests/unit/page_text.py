"""What the page unit tests read out of a rendered page (tests/unit/test_web_pages.py and the
console and portal page tests)."""

import re
from html import unescape

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the page's first form (Flask-WTF's hidden field)."""
    return CSRF.search(html).group(1)


def text_of(html: str) -> str:
    """The page's words as a reader sees them: tags dropped, spaces folded, entities decoded."""
    return unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)))
