"""Language tags (BCP 47), judged by langcodes against the IANA registry: one rule for the article's
``lang`` and for the ``lang`` attributes in its text."""

from __future__ import annotations

# Real tags are far shorter; langcodes' parser recurses once per subtag, so a hostile tag of
# thousands of subtags would overflow the stack.
MAX_TAG_LENGTH = 255


def is_language_tag(text: str) -> bool:
    """Whether ``text`` is a valid tag such as en, fr or pt-BR, written with hyphens as HTML and EPUB need."""
    import langcodes  # its registry tables take a tenth of a second: loaded with the first tag checked

    return (len(text) <= MAX_TAG_LENGTH
            and "_" not in text  # langcodes reads en_US as en-US; HTML and the OPF do not
            and text.casefold() != "root"  # CLDR's name for no language: langcodes takes it, BCP 47 does not
            and langcodes.tag_is_valid(text))
