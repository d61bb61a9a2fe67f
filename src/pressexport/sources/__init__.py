"""Reading the sources: an article's file and front matter (validated in full), licences, issues, and
which articles a build reads (discovery).

Nothing is imported here: each module is imported by its own name."""
