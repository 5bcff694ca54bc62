"""The simulators' languages: English, the portals' source, and German.

Templates mark their words with Jinja2's i18n extension (`_("Save")`, `{% trans %}`), the
Python side with `Text`; Babel's message catalogs (`locales/<simulator>.<language>.po`,
committed as text) are compiled in memory at start-up, and Babel formats dates and numbers.
A page's language is the portal's language setting (a cookie its settings form sets), else
the best match of the browser's Accept-Language, else English. The SCIM API and `/_sim`
answers have no language.
"""

from __future__ import annotations

import datetime
import gettext
import io
from datetime import UTC
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from werkzeug.wrappers import Request

LANGUAGES = ("en", "de")
SOURCE = "en"
# Each language's name in itself, as a language picker lists it.
NAMES = {"en": "English", "de": "Deutsch"}
PACKAGE = Path(__file__).parent
LOCALES = PACKAGE / "locales"
# English keeps the pattern the simulators always showed (1/15/2026, 9:00:00 AM); other
# languages take their CLDR medium date and time (15.01.2026, 09:00:00).
DATETIME_FORMATS = {"en": "M/d/yyyy, h:mm:ss a"}


class Text(str):
    """Words of a portal that Python composes (a notification, an error, a log's reason):
    the English text as a str, which `/_sim` answers and tests compare, remembering its
    message id and parameters so that a page can show it in its reader's language."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Text:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the message id
        return _text, (self.msgid, self.params)

    def translated(self, translations: gettext.NullTranslations) -> str:
        text = translations.gettext(self.msgid)
        if not self.params:
            return text
        return text % {name: value.translated(translations) if isinstance(value, Text) else value
                       for name, value in self.params.items()}


def _text(msgid: str, params: dict[str, Any]) -> Text:
    return Text(msgid, **params)


def source_messages(simulator: str) -> Catalog:
    """Every English message of a simulator: what its templates mark (`_()`, `N_()`,
    `{% trans %}`) and its Python says with `Text(...)`. A translation's .po must hold
    exactly these (tests/sim/test_languages.py)."""
    messages = Catalog(locale=SOURCE)
    methods = [(f"{simulator}/templates/**.html", "jinja2.ext:babel_extract"),
               (f"{simulator}/**.py", "python")]
    options = {f"{simulator}/templates/**.html": {"extensions": "jinja2.ext.i18n",
                                                  "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {**DEFAULT_KEYWORDS, "Text": None}
    for filename, line, msgid, comments, context in extract_from_dir(
            PACKAGE, methods, options, keywords):
        messages.add(msgid, locations=[(filename, line)], auto_comments=comments, context=context)
    return messages


def catalog(simulator: str, language: str) -> gettext.NullTranslations:
    """The simulator's messages in `language`, compiled from its .po file; English is the
    source and needs none."""
    if language == SOURCE:
        return gettext.NullTranslations()
    with (LOCALES / f"{simulator}.{language}.po").open("rb") as po:
        messages = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language_of(request: Request, cookie: str) -> str:
    """The portal's language setting, else the browser's preference, else English."""
    chosen = request.cookies.get(cookie, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=SOURCE)


class Formats:
    """The filters a page formats its dates, numbers and composed words with."""

    def __init__(self, language: str, translations: gettext.NullTranslations):
        self.language, self.translations = language, translations

    def filters(self) -> dict[str, Any]:
        return {"tr": self.tr, "datetime": self.datetime, "number": self.number}

    def tr(self, value: Any) -> Any:
        """Words in this language: a Text, or one of the portal's fixed terms (a scope, a
        status, a mapping type) held as a plain str; anything the catalog does not know (a
        name, a target's own message) stays as it is. Plain text, which autoescaping escapes."""
        if isinstance(value, Text):
            return value.translated(self.translations)
        return self.translations.gettext(value) if isinstance(value, str) and value else value

    def datetime(self, value: datetime.datetime) -> str:
        pattern = DATETIME_FORMATS.get(self.language, "medium")
        # The simulators' clocks are frozen in UTC; the machine's time zone must not move them.
        return format_datetime(value, pattern, tzinfo=UTC, locale=self.language)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)
