"""Languages: every message translated in every catalogue, catalogues that compile with placeholders
that fill, the order a language is chosen in, and numbers in each locale's own writing."""

import re
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from werkzeug.datastructures import LanguageAccept

import i18n
from components.format import format_change, format_count, format_value

#: A named placeholder, as "%(count)s" or "%(share).1f".
PLACEHOLDER = re.compile(r"%\((\w+)\)")
MESSAGES = read_po(i18n.TRANSLATIONS.joinpath("messages.pot").open("rb"))


@pytest.mark.parametrize("code", list(i18n.LANGUAGES))
def test_every_message_has_a_translation_that_compiles_and_fills(code):
    """Each template message is in the catalogue, translated (every plural form), not fuzzy; the
    catalogue compiles; each translation fills with the English message's placeholders."""
    catalogue = read_po(i18n.catalogue_path(code).open("rb"), locale=code)
    for message in MESSAGES:
        if not message.id:
            continue
        ours = catalogue.get(message.id, context=message.context)
        assert ours is not None and "fuzzy" not in ours.flags, (code, message.id)
        strings = ours.string if isinstance(ours.string, tuple) else (ours.string,)
        assert all(strings), (code, message.id)
        if "python-format" in message.flags:
            # Each translation fills with exactly the English message's placeholders (a number fits %s and %d).
            english = message.id if isinstance(message.id, tuple) else (message.id,)
            values = {name: 1 for text in english for name in PLACEHOLDER.findall(text)}
            for text in strings:
                text % values
    assert not list(catalogue.check())
    write_mo(BytesIO(), catalogue)


def test_the_url_wins_then_the_cookie_then_the_account_then_the_browser_then_the_default():
    accept = LanguageAccept([("hu-HU", 1), ("es", 0.8)])
    assert i18n.choose("fr", "fi", "es", accept, "en") == "fr"
    assert i18n.choose(None, "fi", "es", accept, "en") == "fi"
    assert i18n.choose("de", None, "es", accept, "en") == "es"  # a language Beacon lacks is passed over
    assert i18n.choose(None, None, None, accept, "en") == "hu"  # hu-HU matches hu
    assert i18n.choose(None, None, None, LanguageAccept([("de", 1)]), "fa") == "fa"


def test_numbers_are_written_as_each_locale_writes_them():
    """5.6 is '5,6' in Finnish, French and Spanish, '۵٫۶' in Persian; grouping and percent per CLDR;
    English keeps its narrow-space grouping."""
    cases = {
        "en": ("5.6", "71.9%", "8\u202f007", "+2.1 pts"),
        "fi": ("5,6", "71,9\u00a0%", "8\u00a0007", "+2,1\u00a0pistettä"),
        "fr": ("5,6", "71,9\u00a0%", "8\u202f007", "+2,1\u00a0pts"),
        "es": ("5,6", "71,9\u00a0%", "8.007", "+2,1\u00a0ptos."),
        "fa": ("۵٫۶", "۷۱٫۹٪", "۸٬۰۰۷", "\u200e+۲٫۱\u00a0امتیاز"),
    }
    for code, (value, percent, count, change) in cases.items():
        with i18n.language(code):
            assert format_value(5.6, "pts") == value, code
            assert format_value(71.925, "%") == percent, code
            assert format_count(8007) == count, code
            assert format_change(2.14, "pts") == change, code
