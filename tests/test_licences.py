"""Tests for the licence catalogue and ``resolve_licence``."""

from __future__ import annotations

import pytest

from pressexport.errors import UnknownLicence
from pressexport.core.pages import rights_statement
from pressexport.sources.licences import ALL_RIGHTS_RESERVED, in_language, licence_ids, resolve_licence
from pressexport.model import Licence

FAMILIES = ("CC-BY", "CC-BY-SA", "CC-BY-NC", "CC-BY-ND", "CC-BY-NC-SA", "CC-BY-NC-ND")
VERSIONS = ("2.0", "2.5", "3.0", "4.0")
CATALOGUE = [resolve_licence(licence_id) for licence_id in licence_ids()]


@pytest.mark.parametrize(
    ("value", "expected_id"),
    [
        # SPDX ids
        ("CC-BY-SA-4.0", "CC-BY-SA-4.0"),
        ("cc-by-nc-nd-2.5", "CC-BY-NC-ND-2.5"),
        ("  CC0-1.0\n", "CC0-1.0"),
        # written forms
        ("CC BY 4.0", "CC-BY-4.0"),
        ("CC-BY 4.0", "CC-BY-4.0"),
        ("cc by-sa 4.0", "CC-BY-SA-4.0"),
        ("CC BY-NC-SA 3.0", "CC-BY-NC-SA-3.0"),
        ("CC BY SA 4.0", "CC-BY-SA-4.0"),  # spaces and hyphens are interchangeable
        ("CC0", "CC0-1.0"),
        ("CC0 1.0", "CC0-1.0"),
        # a family without version means the current version
        ("CC-BY", "CC-BY-4.0"),
        ("CC BY-SA", "CC-BY-SA-4.0"),
        ("cc by-nc-nd", "CC-BY-NC-ND-4.0"),
        # full names
        ("Creative Commons Attribution-ShareAlike 4.0 International", "CC-BY-SA-4.0"),
        ("creative commons attribution-noderivs 3.0 unported", "CC-BY-ND-3.0"),
        ("CC0 1.0 Universal", "CC0-1.0"),
        ("Attribution-NonCommercial 4.0 International", "CC-BY-NC-4.0"),
        # URLs
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://www.creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/deed.en", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by-sa/3.0/deed.fr", "CC-BY-SA-3.0"),
        ("https://creativecommons.org/licenses/by-nc/2.5/legalcode", "CC-BY-NC-2.5"),
        ("http://www.creativecommons.org/licenses/by-nd/2.0/legalcode.txt", "CC-BY-ND-2.0"),
        ("https://creativecommons.org/licenses/by/4.0/?ref=chooser-v1", "CC-BY-4.0"),
        ("HTTPS://CreativeCommons.org/licenses/BY/4.0/", "CC-BY-4.0"),
        ("creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/deed.en", "CC0-1.0"),
        # all rights reserved
        ("All rights reserved", "LicenseRef-All-rights-reserved"),
        ("all-rights-reserved", "LicenseRef-All-rights-reserved"),
        ("All rights reserved.", "LicenseRef-All-rights-reserved"),
        ("LicenseRef-All-rights-reserved", "LicenseRef-All-rights-reserved"),
    ],
)
def test_each_input_shape_resolves_to_its_licence(value: str, expected_id: str) -> None:
    assert resolve_licence(value).id == expected_id


def test_catalogue_holds_cc0_every_family_version_and_all_rights_reserved() -> None:
    expected = {"CC0-1.0", "LicenseRef-All-rights-reserved"}
    expected |= {f"{family}-{version}" for family in FAMILIES for version in VERSIONS}
    assert set(licence_ids()) == expected
    assert len(licence_ids()) == len(expected)


@pytest.mark.parametrize("licence", CATALOGUE, ids=lambda licence: licence.id)
def test_every_entry_is_complete(licence: Licence) -> None:
    assert isinstance(licence, Licence)
    assert licence.name and licence.short
    assert licence.deed.endswith(".") and "\n" not in licence.deed


@pytest.mark.parametrize("licence", CATALOGUE, ids=lambda licence: licence.id)
def test_every_spelling_in_the_catalogue_resolves_to_its_entry(licence: Licence) -> None:
    for spelling in (licence.id, licence.short, licence.name):
        assert resolve_licence(spelling) is licence


@pytest.mark.parametrize(
    "licence", [licence for licence in CATALOGUE if licence.url], ids=lambda licence: licence.id
)
def test_every_url_is_canonical_and_round_trips(licence: Licence) -> None:
    assert licence.url.startswith("https://creativecommons.org/")
    assert licence.url.endswith("/")
    assert resolve_licence(licence.url) is licence


@pytest.mark.parametrize(
    ("licence_id", "name", "short", "url"),
    [
        (
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0 International",
            "CC BY-SA 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        (
            "CC-BY-NC-ND-2.5",
            "Creative Commons Attribution-NonCommercial-NoDerivs 2.5 Generic",
            "CC BY-NC-ND 2.5",
            "https://creativecommons.org/licenses/by-nc-nd/2.5/",
        ),
        (
            "CC-BY-3.0",
            "Creative Commons Attribution 3.0 Unported",
            "CC BY 3.0",
            "https://creativecommons.org/licenses/by/3.0/",
        ),
        (
            "CC0-1.0",
            "CC0 1.0 Universal",
            "CC0 1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
    ],
)
def test_entries_carry_official_names_and_urls(
    licence_id: str, name: str, short: str, url: str
) -> None:
    licence = resolve_licence(licence_id)
    assert (licence.name, licence.short, licence.url) == (name, short, url)


def test_versions_of_a_family_share_their_deed() -> None:
    for family in FAMILIES:
        deeds = {resolve_licence(f"{family}-{version}").deed for version in VERSIONS}
        assert len(deeds) == 1, family


def test_all_rights_reserved_has_no_url() -> None:
    assert ALL_RIGHTS_RESERVED.id == "LicenseRef-All-rights-reserved"
    assert ALL_RIGHTS_RESERVED.name == "All rights reserved"
    assert ALL_RIGHTS_RESERVED.url is None
    assert rights_statement(ALL_RIGHTS_RESERVED, "en") == "All rights reserved."


def test_the_rights_statement_for_metadata_is_in_the_articles_language() -> None:
    licence = resolve_licence("CC-BY-SA-4.0")
    assert rights_statement(licence, "en-GB") == ("Licensed under Creative Commons Attribution-ShareAlike 4.0 "
                                                  "International (CC BY-SA 4.0). "
                                                  "https://creativecommons.org/licenses/by-sa/4.0/")
    russian = rights_statement(licence, "ru")
    assert russian.startswith("Распространяется по лицензии") and "4.0 Всемирная (CC BY-SA 4.0)" in russian
    assert rights_statement(ALL_RIGHTS_RESERVED, "ru") == "Все права защищены."


def test_unknown_licence_names_the_value_and_lists_valid_ids() -> None:
    with pytest.raises(UnknownLicence) as caught:
        resolve_licence("WTFPL")
    message = str(caught.value)
    assert "'WTFPL'" in message
    assert all(licence_id in message for licence_id in licence_ids())
    assert "did you mean" not in message


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("CC-BY-SA-4", "CC-BY-SA-4.0"),
        ("CC BY-NC 5.0", "CC-BY-NC-4.0"),
        ("Attribution-ShareAlike 4.0", "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by-sa/4/", "CC-BY-SA-4.0"),
    ],
)
def test_unknown_licence_suggests_a_close_match(value: str, suggestion: str) -> None:
    with pytest.raises(UnknownLicence, match=f"did you mean {suggestion}\\?"):
        resolve_licence(value)


def test_unknown_licence_reports_where() -> None:
    with pytest.raises(UnknownLicence) as caught:
        resolve_licence("GPL", where="article.md: licence")
    assert caught.value.where == "article.md: licence"
    assert str(caught.value).startswith("article.md: licence: unknown licence 'GPL'")


@pytest.mark.parametrize("value", ["", "   ", "CC", "CC BY 1.0", "https://example.org/licenses/by/4.0/"])
def test_values_outside_the_catalogue_are_unknown(value: str) -> None:
    with pytest.raises(UnknownLicence):
        resolve_licence(value)


@pytest.mark.parametrize("lang", ["fr", "de", "es", "it", "pt-BR", "ru"])
def test_every_licence_has_its_name_and_summary_in_each_language(lang):
    for licence_id in licence_ids():
        english = resolve_licence(licence_id)
        translated = in_language(english, lang)
        assert (translated.id, translated.short, translated.url) == (english.id, english.short, english.url)
        assert translated.deed != english.deed, licence_id
        if "-SA-" in licence_id:  # a share-alike licence's name is in the language's words in every one
            assert translated.name != english.name, licence_id
        assert english.short.split()[-1] in translated.name or english.url is None  # the version


def test_a_licence_in_a_language_without_its_words_stays_english():
    licence = resolve_licence("CC-BY-SA-4.0")
    assert in_language(licence, "ja") == licence == in_language(licence, "en-GB")
    assert in_language(licence, "fr").name == ("Creative Commons Attribution - Partage dans les mêmes conditions "
                                               "4.0 International")
