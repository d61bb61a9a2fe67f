"""What both editions of an issue share: the issue as the book's own metadata, its cover, its credits."""

from __future__ import annotations

import hashlib
from html import escape

from ..images import GENERATED_COVER, generate_cover, load_image
from ..sources.issue import Issue
from ..model import Article, Asset, RenderedArticle
from ..core.pages import licence_sentence
from ..language.words import words_for
from ..resources import fonts_dir


def issue_article(issue: Issue, articles: list[RenderedArticle]) -> Article:
    """The issue as the book's own metadata (title, language, publisher, date, rights): what the EPUB's
    package, title page and cover speak of. Its identifier follows the issue file and every article."""
    first = articles[0].article
    lang = issue.lang or first.lang
    digest = hashlib.sha256(issue.file.read_bytes())
    for rendered in articles:
        digest.update(rendered.article.source_hash.encode())
    return Article(path=issue.file, root=issue.root, slug=issue.folder.name, title=issue.title, body="",
                   lang=lang, publication=issue.publication or first.publication,
                   date=issue.date, description=issue.description, licence=issue.licence, cover=issue.cover,
                   subtitle=issue_line(issue, lang), authors=tuple(dict.fromkeys(a for r in articles
                                                                          for a in r.article.authors)),
                   source_hash=digest.hexdigest(), house=issue.house, issn=issue.issn)


def issue_line(issue: Issue, lang: str) -> str:
    """'Volume 3, number 4' (what is known of it), in the issue's language."""
    words = words_for(lang)
    parts = [words("volume", volume=issue.volume) if issue.volume else "",
             words("number", number=issue.number) if issue.number else ""]
    line = ", ".join(part for part in parts if part)
    return line[:1].upper() + line[1:]


def issue_cover(issue: Issue, front: Article) -> Asset:
    """The issue's cover image, or a typographic cover made from its title."""
    cover = issue.cover
    if cover is not None and cover.image is not None:
        data, media_type = load_image(cover.image)
        return Asset(f"images/issue-cover.{'jpg' if media_type == 'image/jpeg' else 'png'}", media_type, data,
                     alt=cover.alt or words_for(front.lang)("cover_of", title=issue.title))
    data = generate_cover(issue.title, publication=front.publication, byline=issue_line(issue, front.lang),
                          lang=front.lang, fonts_dir=fonts_dir())
    return Asset(GENERATED_COVER, "image/png", data, alt=words_for(front.lang)("cover_of", title=issue.title))


def issue_credits_html(issue: Issue, articles: list[RenderedArticle]) -> str:
    """The credits and licence of an issue: its own licence, then each article's, with its authors."""
    words = words_for(issue.lang or articles[0].article.lang)
    items = "".join(f"<li><cite>{escape(r.article.title)}</cite>{escape(authors_of(r.article, words.tag))}. "
                    f"{licence_sentence(r.article.licence, words) or words('all_rights_reserved')}</li>"
                    for r in articles)
    own = licence_sentence(issue.licence, words) or words("all_rights_reserved")
    identity = f" ISSN {escape(issue.issn)}." if issue.issn else ""
    return (f"<h1>{words('credits_title')}</h1><p>{escape(issue.title)}.{identity} "
            f"{words('issue_as_a_whole', licence=own)}</p><ol>{items}</ol>")


def authors_of(article: Article, lang: str) -> str:
    """', by A and B' after a title (in ``lang``), or '' when no author is named."""
    words = words_for(lang)
    return words("by_after_title", names=words.names(article.authors)) if article.authors else ""
