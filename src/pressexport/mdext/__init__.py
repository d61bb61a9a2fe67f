"""Python-Markdown extensions that pressexport registers on top of the standard ones."""
