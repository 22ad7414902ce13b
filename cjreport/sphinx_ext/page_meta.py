"""What reference managers and search engines read from every page of the HTML book.

Zotero and Google Scholar read Highwire Press `citation_*` tags, Dublin Core and Open Graph; search engines
read a description and schema.org JSON-LD. Every page carries all of them, describing the report as a whole
(the citable unit: one title, its authors, the edition's date, the PDF), and the JSON-LD record lists the
chapters as its parts. The facts come from CITATION.cff and _config.yml through cjreport/edition.py; URLs are
absolute when the published book's address is configured (`html.baseurl`), else relative to the page.

The root page, which only forwards to the introduction, is written here too, with a title and the same tags
(sphinx-external-toc's stand-in has neither).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from cjreport import edition
from cjreport.chapters import toc_docnames

LICENCE_TEXT = "Text and data: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); code: MIT; " \
               "the source texts reproduced in the appendix belong to their rights holders (see the colophon)"
PARAGRAPH = re.compile(r"<p(?: [^>]*)?>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
DESCRIPTION_CHARS = 300


def _absolute(relative_to_root: str, pathto_root: str) -> str:
    """A URL of a file given relative to the book's root: absolute when the published address is known."""
    base = edition.book_url()
    return base + relative_to_root if base else pathto_root + relative_to_root


def description(body: str, fallback: str) -> str:
    """The page's first paragraph of prose, as plain text (the abstract on a page that starts otherwise)."""
    for match in PARAGRAPH.finditer(body):
        if "cj-pdf-link" in match[0][:80]:
            continue
        text = " ".join(html.unescape(TAG.sub("", match[1])).split())
        if len(text) >= 40:
            return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return " ".join(fallback.split())


def report_record(title: str, chapters: list[tuple[str, str]], pdf: str, root_url: str) -> dict[str, Any]:
    """The schema.org record: a Report whose parts are the book's pages, in reading order."""
    cff = edition.citation()
    record: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Report", "name": title, "headline": title,
        "author": [{"@type": "Organization", "name": a["name"]} if "name" in a else
                   {"@type": "Person", "givenName": a.get("given-names", ""), "familyName": a.get("family-names", "")}
                   for a in cff["authors"]],
        "datePublished": edition.date_released(), "version": edition.version(),
        "description": " ".join(str(cff.get("abstract", "")).split()), "inLanguage": "en",
        "keywords": ", ".join(cff.get("keywords", [])), "license": "https://creativecommons.org/licenses/by/4.0/",
        "encoding": {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": pdf},
        "hasPart": [{"@type": "Chapter", "position": i, "name": name, "url": url}
                    for i, (name, url) in enumerate(chapters, 1)],
    }
    if root_url:
        record["url"] = root_url
    if edition.repository_url():
        record["isBasedOn"] = edition.repository_url()
    return record


def tags(title: str, page_title: str, text: str, pdf: str, page_url: str, chapters: list[tuple[str, str]],
         root_url: str) -> str:
    """The <head> tags of one page."""
    cff = edition.citation()
    authors = [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]
    date = edition.date_released()
    meta: list[tuple[str, str, str]] = [("name", "description", text)]
    meta += [("name", "citation_title", title)]
    meta += [("name", "citation_author", a) for a in authors]
    meta += [("name", "citation_publication_date", date.replace("-", "/")), ("name", "citation_date", date.replace("-", "/")),
             ("name", "citation_technical_report_institution", authors[0]),
             ("name", "citation_technical_report_number", f"Edition {edition.version()}"),
             ("name", "citation_language", "en"), ("name", "citation_pdf_url", pdf)]
    if page_url.startswith("http"):
        meta.append(("name", "citation_public_url", page_url))
    meta += [("name", "DC.title", title), *(("name", "DC.creator", a) for a in authors), ("name", "DC.date", date),
             ("name", "DC.type", "Text"), ("name", "DC.format", "text/html"), ("name", "DC.language", "en"),
             ("name", "DC.publisher", authors[0]), ("name", "DC.rights", LICENCE_TEXT),
             ("name", "DC.identifier", f"{title}, edition {edition.version()} of {date}"),
             ("name", "DC.description", text)]
    meta += [("property", "og:type", "article"), ("property", "og:title", page_title if page_title == title else f"{page_title} — {title}"),
             ("property", "og:site_name", title), ("property", "og:description", text), ("property", "og:locale", "en_GB"),
             ("property", "article:published_time", date)]
    if page_url.startswith("http"):
        meta.append(("property", "og:url", page_url))
    lines = [f'<meta {kind}="{html.escape(name)}" content="{html.escape(value, quote=True)}" />' for kind, name, value in meta]
    # "</" would end the script element early: JSON allows "<\/" for it.
    record = json.dumps(report_record(title, chapters, pdf, root_url), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    lines.append(f'<script type="application/ld+json">{record}</script>')
    return "\n".join(lines) + "\n"


def on_page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.format != "html" or "body" not in context:
        return
    from cjreport.project import PDF_NAME

    title = app.config.html_title or app.config.project
    root = context["pathto"]("", 1)  # the book's root, relative to this page
    root = root if root.endswith("/") else root + "/"
    pdf = _absolute(f"_static/{PDF_NAME}", root)
    page_url = _absolute(f"{pagename}.html", root)
    page_title = html.unescape(TAG.sub("", context.get("title") or title))
    chapters = [(name, _absolute(f"{doc}.html", root)) for doc, name in _chapter_titles(app)]
    text = description(context["body"], str(edition.citation().get("abstract", title)))
    context["metatags"] = context.get("metatags", "") + tags(title, page_title, text, pdf, page_url, chapters,
                                                             edition.book_url())


def _chapter_titles(app: Any) -> list[tuple[str, str]]:
    titles = app.env.titles
    return [(doc, titles[doc].astext() if doc in titles else doc) for doc in toc_docnames(Path(app.srcdir))]


def write_root_page(app: Any, exception: Exception | None) -> None:
    """The book's index.html: forwards to the first page, with a title and the citation tags."""
    if exception is not None or app.builder.format != "html":
        return
    from cjreport.project import PDF_NAME

    title = app.config.html_title or app.config.project
    first = f"{app.config.root_doc}.html"
    chapters = [(name, _absolute(f"{doc}.html", "")) for doc, name in _chapter_titles(app)]
    text = " ".join(str(edition.citation().get("abstract", title)).split())
    head = tags(title, title, text, _absolute(f"_static/{PDF_NAME}", ""), edition.book_url() or "", chapters,
                edition.book_url())
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n<title>{html.escape(title)}</title>\n'
            f'<meta http-equiv="Refresh" content="0; url={first}" />\n{head}</head>\n<body>\n'
            f'<p><a href="{first}">{html.escape(title)}</a></p>\n</body>\n</html>\n')
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")
