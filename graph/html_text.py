"""HTML to the reader's markdown subset: headings, list items and table rows keep their shape.

Page chrome (navigation, cookie banners, scripts, footers) is dropped so the contract text is
what remains.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
)
_CHROME = re.compile(r"cookie|consent|banner|gdpr-notice|navbar|navigation|menu|breadcrumb|site-footer|skip-link", re.I)
_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "address",
    "dd",
    "dt",
    "figcaption",
    "pre",
    "body",
    "center",
}


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    if tag.get("role") in ("navigation", "banner", "contentinfo", "dialog"):
        return True
    if tag.get("aria-hidden") == "true":
        return True
    ident = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(ident and _CHROME.search(ident))


def _inline(node) -> str:
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n"
    return "".join(_inline(child) for child in node.children if not isinstance(child, Comment))


def _clean(text: str) -> str:
    return re.sub(r"[ \t\f\v]+", " ", text).strip()


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def line(self, text: str) -> None:
        for part in text.split("\n"):
            part = _clean(part)
            if part:
                self.out.append(part)

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def walk(self, node: Tag) -> None:
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                self.line("".join(buffer))
                buffer.clear()

        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_chrome(child):
                continue
            name = child.name
            if re.fullmatch(r"h[1-6]", name):
                flush()
                self.blank()
                self.line("#" * int(name[1]) + " " + _clean(_inline(child)).replace("\n", " "))
                self.blank()
            elif name in ("ul", "ol"):
                flush()
                self.list(child, ordered=name == "ol")
                self.blank()
            elif name == "table":
                flush()
                self.table(child)
                self.blank()
            elif name == "dl":
                flush()
                self.blank()
                self.definitions(child)
                self.blank()
            elif name == "br":
                buffer.append("\n")
            elif name in _BLOCKS or name in ("li", "dl", "tbody", "thead", "tr"):
                flush()
                self.walk(child)
                if name in ("p", "section", "article", "blockquote", "address"):
                    self.blank()
            else:
                buffer.append(_inline(child))
        flush()

    def definitions(self, node: Tag) -> None:
        """A <dl>: a label <dt> with one <dd> is "Label: value"; any other <dt> opens a group
        (blank line, the term, then its <dd>s as lines; when none is labelled, the term and its
        <dd>s form one list item "- Term – value – value")."""
        groups: list[tuple[str, list[str]]] = []
        for item in node.find_all(["dt", "dd"]):
            text = _clean(_inline(item)).replace("\n", " ").strip()
            if not text:
                continue
            if item.name == "dt" or not groups:
                groups.append((text, []))
            else:
                groups[-1][1].append(text)
        for term, values in groups:
            if len(values) == 1 and _is_label(term):
                self.line(f"{term.rstrip(':').strip()}: {values[0]}")
                continue
            self.blank()
            labelled = [v for v in values if _LABELLED.match(v)]
            plain = [v for v in values if not _LABELLED.match(v)]
            if not labelled:
                self.line("- " + " – ".join([term, *plain]))
                continue
            self.line(term)
            for v in labelled + plain:
                self.line(v)

    def list(self, node: Tag, ordered: bool, depth: int = 0) -> None:
        for number, item in enumerate(node.find_all("li", recursive=False), start=1):
            nested = [c for c in item.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
            for n in nested:
                n.extract()
            text = _clean(_inline(item)).replace("\n", " ")
            if text:
                marker = f"{number}." if ordered else "-"
                self.out.append("  " * depth + f"{marker} {text}")
            for n in nested:
                self.list(n, ordered=n.name == "ol", depth=depth + 1)

    def table(self, node: Tag) -> None:
        rows = node.find_all("tr")
        first = True
        for row in rows:
            if row.find_parent("table") is not node:
                continue
            cells = [
                _clean(_inline(c)).replace("\n", " ").replace("|", "/")
                for c in row.find_all(["td", "th"], recursive=False)
            ]
            if not any(cells):
                continue
            self.out.append("| " + " | ".join(cells) + " |")
            if first:
                self.out.append("|" + "|".join(" --- " for _ in cells) + "|")
                first = False


_LABELLED = re.compile(r"^[^:]{1,40}:\s+\S")


def _is_label(term: str) -> bool:
    """A <dt> that is a field label ("Address", "Sitz:"), not an entity name."""
    if term.endswith(":"):
        return True
    from graph.extract.sub_fields import field_role  # lazy: the reader must not load the extractor

    return len(term.split()) <= 4 and field_role(term) is not None


def html_to_text(raw: bytes | str) -> str:
    soup = BeautifulSoup(raw, "lxml")
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(True):
        if tag.parent is not None and _is_chrome(tag):
            tag.decompose()
    writer = _Writer()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if title and not root.find(["h1"]):
        writer.line("# " + title)
        writer.blank()
    writer.walk(root)
    return "\n".join(writer.out).strip() + "\n"
