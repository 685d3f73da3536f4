"""User-facing text in the station's language.

Messages are written in English in the source and wrapped in `_()`; gettext
catalogs (Babel) translate them. Until a language is chosen the text is shown
as written. Use placeholders, not f-strings, inside `_()` so a catalog can move
them: `_("News item {id} is cancelled.").format(id=item_id)`.
"""

from __future__ import annotations

import gettext

_translations: gettext.NullTranslations = gettext.NullTranslations()


def use(translations: gettext.NullTranslations) -> None:
    """Switch every later `_()` to `translations` (process-wide: one station, one language)."""
    global _translations
    _translations = translations


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)
