"""The language layer: an article's language (detection, BCP 47 tags), its punctuation and hyphenation,
and pressexport's own words and dates in it.

Nothing is imported here: each module is imported by its own name."""
