"""The session pages in French, Dutch and English: gettext catalogues read with Babel.

The texts are written in English in the templates; `translations/<lang>/LC_MESSAGES/*.po`
hold the French and Dutch, one catalogue per part of the pages (`messages.po` for the session
pages, `console_<area>.po` and `portal.po` for the console and the portal), merged into one.
The `.po` files are compiled in memory when the application starts (Babel's own reader and
writer), so no build step and no compiled file can drift from them. The language is the one
chosen with `?lang=` (kept in the signed cookie), else the signed-in person's own language (their
account's, docs/adr/024), else the browser's `Accept-Language`, else French.

Amounts and dates are written as Belgians of that language write them: CLDR's fr_BE, nl_BE and
en_BE (Babel), so `1 234,56 €` in French, `€ 1.234,56` in Dutch and `1.234,56 €` in (Belgian) English.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel import dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, request, session

LANGUAGES = ("fr", "nl", "en")
DEFAULT = "fr"


LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_BE"}
BRUSSELS = ZoneInfo("Europe/Brussels")


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    folder = resources.files("coop_web") / "translations" / language / "LC_MESSAGES"
    merged = None
    for po in sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=language)
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        part = Translations(compiled)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged or NullTranslations()


def language() -> str:
    if "language" not in g:
        chosen = request.args.get("lang")
        if chosen in LANGUAGES:
            session["lang"] = chosen
        g.language = (
            session.get("lang")
            or _account_language()
            or request.accept_languages.best_match(LANGUAGES)
            or DEFAULT
        )
    return g.language


def _account_language() -> str | None:
    """The language of the signed-in person's account, when the request has a session cookie."""
    from coop_web import sessions  # sessions asks members, which this module must not import first

    if not sessions.token_of(request):
        return None
    state = sessions.state_of(request) or {}
    return state.get("language") if state.get("language") in LANGUAGES else None


def locale() -> str:
    return LOCALES[language()]


def money(amount, currency: str = "EUR") -> str:
    """`"1234.5"` (a string on the wire, docs/rpc) as the person's language writes euros; cents
    always shown. An absent amount is a dash, never 0."""
    if amount is None or amount == "":
        return "–"
    return numbers.format_currency(Decimal(str(amount)), currency, locale=locale())


def day(value, format: str = "medium") -> str:
    """An ISO date (or datetime) as the person's language writes it: `1 déc. 2026`, `1 dec. 2026`."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        # a moment is shown at Brussels' hour (the services keep UTC); a naive one is UTC
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        local = moment.astimezone(BRUSSELS)
        return f"{dates.format_date(local, format, locale=locale())} {dates.format_time(local, 'short', locale=locale())}"
    return dates.format_date(value, format, locale=locale())


def month(period: str) -> str:
    """`2026-11` as `novembre 2026`, `november 2026`, `November 2026`."""
    if not period:
        return "–"
    year, number = (int(part) for part in period.split("-")[:2])
    return dates.format_date(date(year, number, 1), "LLLL y", locale=locale())


def N_(message: str) -> str:
    """Marks a text to translate where it is written (a menu's labels), translated where shown;
    the catalogue test extracts `N_` as it extracts `_`."""
    return message


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
    app.jinja_env.filters.update(money=money, day=day, month=month)
