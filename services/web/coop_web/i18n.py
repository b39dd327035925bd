"""The session pages in French, Dutch and English: gettext catalogues read with Babel.

The texts are written in English in the templates; `translations/<lang>/LC_MESSAGES/messages.po`
holds the French and Dutch. The `.po` files are compiled in memory when the application starts
(Babel's own reader and writer), so no build step and no compiled file can drift from them. The
language is the one chosen with `?lang=` (kept in the signed cookie), else the browser's
`Accept-Language`, else French.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, request, session

LANGUAGES = ("fr", "nl", "en")
DEFAULT = "fr"


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    po = resources.files("coop_web") / "translations" / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalogue = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def language() -> str:
    if "language" not in g:
        chosen = request.args.get("lang")
        if chosen in LANGUAGES:
            session["lang"] = chosen
        g.language = session.get("lang") or request.accept_languages.best_match(LANGUAGES) or DEFAULT
    return g.language


def gettext(message: str, **values) -> str:
    text = translations(language()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    text = translations(language()).ngettext(singular, plural, n)
    return text % dict(values, num=n)


def install(app) -> None:
    """Jinja's i18n extension, with callables that read the request's language at call time
    (one environment serves every green thread)."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)
    app.jinja_env.globals["current_language"] = language
