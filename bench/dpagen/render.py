"""Blocks of a generated DPA written out as plain text, Markdown or an HTML page.

The generator describes a document as a list of blocks (title, heading, paragraph, list, table,
key-value groups, numbered entries); each format writes them the way such files look in the
wild: text files with tab-separated tables and blank-line paragraphs, Markdown with `#`
headings and pipe tables, HTML with tags inside site chrome (cookie banner, navigation, footer).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bench.dpagen.data import world


@dataclass
class Block:
    kind: str  # title | meta | h | annex | p | footer | lines | list | table | kv | numbered
    text: str = ""
    items: list = field(default_factory=list)
    style: str = "- "
    header: list[str] = field(default_factory=list)


def render(blocks: list[Block], fmt: str, lang: str, values: dict) -> str:
    if fmt == "txt":
        return _text(blocks)
    if fmt == "md":
        return _markdown(blocks)
    if fmt == "html":
        return _html(blocks, lang, values)
    raise ValueError(f"unknown format {fmt!r}")


def _list_lines(block: Block) -> list[str]:
    out = []
    for n, item in enumerate(block.items, 1):
        marker = block.style
        if marker == "a) ":
            marker = f"{chr(ord('a') + n - 1)}) "
        elif marker == "1. ":
            marker = f"{n}. "
        out.append(marker + item)
    return out


def _text(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if b.kind in ("title", "meta", "h", "annex", "p"):
            parts.append(b.text)
        elif b.kind == "footer":
            parts.append("—" * 20 + "\n" + b.text)
        elif b.kind == "lines":
            parts.append("\n".join(b.items))
        elif b.kind == "list":
            parts.append("\n".join(_list_lines(b)))
        elif b.kind == "table":
            parts.append("\n".join("\t".join(row) for row in [b.header, *b.items]))
        elif b.kind == "kv":
            parts.append("\n\n".join("\n".join(f"{k}: {v}" for k, v in group) for group in b.items))
        elif b.kind == "numbered":
            parts.append(
                "\n".join(
                    f"{n}. {head.replace('**', '')}\n" + "\n".join(f"   {line}" for line in rest)
                    for n, (head, rest) in enumerate(b.items, 1)
                )
            )
    return "\n\n".join(parts) + "\n"


def _markdown(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if b.kind == "title":
            parts.append(f"# {b.text}")
        elif b.kind == "meta":
            parts.append(f"*{b.text}*")
        elif b.kind == "h":
            parts.append(f"## {b.text}")
        elif b.kind == "annex":
            parts.append(f"---\n\n## {b.text}")
        elif b.kind == "p":
            parts.append(b.text)
        elif b.kind == "footer":
            parts.append(f"---\n\n{b.text}")
        elif b.kind == "lines":
            parts.append("  \n".join(b.items))
        elif b.kind == "list":
            parts.append("\n".join(_list_lines(b)))
        elif b.kind == "table":
            rows = [b.header, ["---"] * len(b.header), *b.items]
            parts.append("\n".join("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows))
        elif b.kind == "kv":
            parts.append("\n\n".join("  \n".join(f"{k}: {v}" for k, v in group) for group in b.items))
        elif b.kind == "numbered":
            parts.append(
                "\n".join(
                    f"{n}. {head}\n" + "\n".join(f"   {line}" for line in rest)
                    for n, (head, rest) in enumerate(b.items, 1)
                )
            )
    return "\n\n".join(parts) + "\n"


def _html(blocks: list[Block], lang: str, values: dict) -> str:
    chrome = world().html
    words = {**chrome["words"][lang], **values, "lang": lang}

    def e(text: str) -> str:
        return html.escape(text, quote=False)

    out = [_fill(chrome["head"], words)]
    banners = chrome["cookie"][lang]
    out.append(banners[len(values["proc"]) % len(banners)])
    out.append(_fill(chrome["nav"], words))
    for b in blocks:
        if b.kind == "title":
            out.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "meta":
            out.append(f'<p class="meta">{e(b.text)}</p>')
        elif b.kind in ("h", "annex"):
            out.append(f"<h2>{e(b.text)}</h2>")
        elif b.kind == "p":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "footer":
            out.append(f'<p class="contact">{e(b.text)}</p>')
        elif b.kind == "lines":
            out.append("<p>" + "<br>\n".join(e(line) for line in b.items) + "</p>")
        elif b.kind == "list":
            tag = "ol" if b.style in ("1. ", "a) ") else "ul"
            kind = ' type="a"' if b.style == "a) " else ""
            out.append(f"<{tag}{kind}>\n" + "\n".join(f"  <li>{e(item)}</li>" for item in b.items) + f"\n</{tag}>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(c)}</th>" for c in b.header)
            rows = "\n".join("    <tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.items)
            out.append(f"<table>\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n{rows}\n  </tbody>\n</table>")
        elif b.kind == "kv":
            for group in b.items:
                out.append("<p>" + "<br>\n".join(f"{e(k)}: {e(v)}" for k, v in group) + "</p>")
        elif b.kind == "numbered":
            items = "\n".join(
                f"  <li>{e(head.replace('**', ''))}<br>" + "<br>".join(e(line) for line in rest) + "</li>"
                for head, rest in b.items
            )
            out.append(f"<ol>\n{items}\n</ol>")
    out.append(_fill(chrome["footer"], words))
    return "\n".join(out)


def _fill(template: str, values: dict) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", html.escape(str(value), quote=False))
    return template
