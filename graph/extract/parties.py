"""The processor party: its name as written, its seat country and its service.

Sources, most reliable first:
  1. the party block: a role label with the name below it ("Auftragsverarbeiter:" / "Processor:"),
     or a name-and-address block followed by a role marker ("– nachstehend „Auftragnehmer“ –");
  2. an inline definition: "Acme GmbH (nachfolgend „Auftragnehmer“)", "Der Auftragnehmer (Acme GmbH)",
     "between Customer and Acme Ltd ("Processor")", or
     the SCC Annex I.A key-value block whose "Role:" is processor;
  3. a short-name definition beside the customer: 'between Acme Inc. ("Acme") and … ("Customer")',
     or a first-person one: 'Acme B.V., … ("Acme", "we", "us")';
  4. a brand sentence: "X, eine Marke der Acme GmbH";
  5. a copyright footer: "© 2025 Acme";
  6. fallback when none of these fires: every legal-form name outside the sub-processor lists
     (and not a listed sub-processor), scored by the role word of its own sentence (a name whose
     role is the controller's is never taken), title/footer position and frequency.
The controller's block is never used (the first role word of a marker decides whose block it
is), party labels inside sub-processor or TOM sections are ignored, and the country comes only
from the processor's own address lines, cut before any DPO or register line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from graph.document import Document
from graph.extract.clause_cues import anchored, cue
from graph.extract.language import detect_language
from graph.extract.places import address_country
from graph.extract.sentences import BULLET, TABLE, clean_text, heading_lines, in_section, sentences
from graph.extract.sub_names import MAX_LOWER_NAME_TOKENS, is_lead_word
from graph.model import Processor, Span, SubprocessorEntry
from graph.vocab import vocabulary

_QUOTES = "„“”\"'‘’«»‚"
_MAX_NAME = 120
_MAX_BLOCK_LINES = 8


@dataclass(frozen=True)
class _Candidate:
    name: str
    start: int  # offsets of the name in Document.text
    end: int
    rank: int  # 0 party block, 1 definition, 2 short-name definition, 3 brand, 4 footer
    address: tuple[int, int] | None = None  # offsets of the processor's own address lines


def find_processor(doc: Document, listed: Sequence[SubprocessorEntry] | None = None) -> Processor:
    """The processor as named in the text, with country (from its address) and service.
    `listed` are the sub-processor entries already found (the fallback never picks one of them);
    the pipeline passes them so the list is not parsed twice."""
    clean = clean_text(doc.text)
    candidates = _label_blocks(doc, clean) + _marker_blocks(doc, clean) + _inline(doc, clean)
    candidates += _role_fields(doc, clean) + _brands(clean) + _footers(clean)
    out = Processor()
    if not candidates:
        fallback = _fallback(doc, clean, listed)
        candidates = [fallback] if fallback else []
    if candidates:
        best = min(candidates, key=lambda c: (c.rank, c.start))
        out.name = best.name
        out.evidence = doc.span(best.start, best.end)
        if best.address:
            default = "DE" if detect_language(doc.text) == "de" else None
            code = address_country(clean[best.address[0] : best.address[1]], default=default)
            if code:
                out.country = code
                out.country_evidence = doc.span(*best.address)
    service = find_service(doc)
    if service:
        out.service, out.service_evidence = service.text.strip(_QUOTES + " "), service
    return out


# --- 1. party blocks ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern:
    """A line that is only a processor label, optionally with the name after a colon."""
    role = anchored("processor-role").pattern
    article = anchored("article").pattern
    return re.compile(
        rf"^(?:{article})?\s*(?P<role>{role})\s*(?:\([^)]*\))?\s*(?::\s*(?P<rest>\S.*)?)?$", re.IGNORECASE
    )


def _label_blocks(doc: Document, clean: str) -> list[_Candidate]:
    """'Auftragsverarbeiter (Auftragnehmer):' followed by the name (same line or next line)."""
    out = []
    lines = doc.lines
    for i in _party_region(doc):
        text = _strip_line(clean[lines[i].start : lines[i].end])
        m = _label_re().match(text)
        label = text[: m.start("rest")] if m and m.group("rest") else text
        if not m or len(label) > 90 or _first_role(label) != "processor":
            continue
        if m.group("rest") and not text.rstrip().endswith(":"):
            rest = m.group("rest")
            start = lines[i].start + clean[lines[i].start : lines[i].end].index(rest)
            start, end = _strip_connector(clean, start, lines[i].end)
            cand = _name_candidate(clean, start, _cut_address(clean, start, end), 0)
            if cand:
                out.append(_with_address(cand, (cand.end, lines[i].end)))
            continue
        j = _next_nonblank(doc, i + 1)
        if j is None or not _looks_like_name(clean[lines[j].start : lines[j].end]):
            continue
        start, end = _strip_connector(clean, lines[j].start, lines[j].end)
        cand = _name_candidate(clean, start, _cut_address(clean, start, end), 0)
        if cand:
            end = _address_end(doc, clean, j + 1)
            out.append(_with_address(cand, (cand.end, end) if end > cand.end else None))
    return out


def _marker_blocks(doc: Document, clean: str) -> list[_Candidate]:
    """A name-and-address block, then a line like '(im Folgenden „Auftragnehmer“)'."""
    out = []
    lines = doc.lines
    for i in _party_region(doc):
        text = _leading_marker(_strip_line(clean[lines[i].start : lines[i].end]))
        if not text or _first_role(text) != "processor":
            continue
        block = _block_above(doc, clean, i)
        if not block:
            continue
        first = block[0]
        start, end = _strip_connector(clean, lines[first].start, lines[first].end)
        cand = _name_candidate(clean, start, _cut_address(clean, start, end), 0)
        if cand:
            addr_end = _address_end(doc, clean, first + 1, stop=i)
            out.append(_with_address(cand, (cand.end, addr_end) if addr_end > cand.end else None))
    return out


def _party_region(doc: Document) -> list[int]:
    """Line numbers where party blocks may stand: the top of the document (about a third),
    outside sub-processor lists and TOM annexes (their 'Anbieter:' lines are other companies)."""
    limit = min(max(80, len(doc.lines) // 3), len(doc.lines))
    # the parties are named before the list of sub-processors is introduced ('… folgende
    # Unterauftragnehmer ein:'); an unrecognised heading style must not let its entries in
    for i in range(limit):
        text = doc.lines[i].text.rstrip()
        if text.endswith(":") and cue("list-intro").search(text) and cue("subprocessor-term").search(text):
            limit = i
            break
    other = (cue("clause-subprocessor"), cue("tom-heading"))
    return [i for i in range(limit) if not any(in_section(doc, doc.lines[i].start, c) for c in other)]


def _leading_marker(text: str) -> str | None:
    """The role marker a line consists of or starts with: '(nachfolgend „Auftragsverarbeiter“) geschlossen.'"""
    if _is_marker(text):
        return text
    m = re.match(r"^\(([^()]{2,100})\)", text)
    if m and _is_marker(m.group(0)):
        return m.group(0)
    return None


def _is_marker(text: str) -> bool:
    """True for a short line that only designates a role: '– nachstehend „Auftragnehmer“ –'."""
    if not text or len(text) > 120:
        return False
    if not re.match(r"^[\s(\[–—-]", text + " ") and not cue("role-designation").search(text):
        return False
    rest = cue("role-designation").sub(" ", text)
    rest = cue("processor-role").sub(" ", rest)
    rest = cue("controller-role").sub(" ", rest)
    words = re.findall(r"[^\W\d_]+", rest)
    filler = anchored("designation-filler")
    return all(filler.fullmatch(w) for w in words) and bool(cue("processor-role").search(text))


def _first_role(text: str) -> str | None:
    """'processor' or 'controller': which role word comes first in the text."""
    p = cue("processor-role").search(text)
    c = cue("controller-role").search(text)
    if p and (not c or p.start() < c.start()):
        return "processor"
    return "controller" if c else None


def _block_above(doc: Document, clean: str, marker: int) -> list[int]:
    """Line numbers of the name-and-address block right above a marker line."""
    lines = doc.lines
    heads = heading_lines(doc)
    i = marker - 1
    while i >= 0 and not clean[lines[i].start : lines[i].end].strip():
        i -= 1
    block: list[int] = []
    while i >= 0 and len(block) < _MAX_BLOCK_LINES:
        text = _strip_line(clean[lines[i].start : lines[i].end])
        if i in heads and block and _street_above_town(text, clean[lines[block[-1]].start : lines[block[-1]].end]):
            heads = heads - {i}  # '26 Mill Lane' above 'San Francisco, CA 94105' is a street, not a heading
        if not text or i in heads or TABLE.match(text) or _is_marker(text):
            break
        if cue("party-separator").search(text):
            break
        block.append(i)
        i -= 1
    return list(reversed(block))


def _street_above_town(line: str, below: str) -> bool:
    """A number-first street line ('26 Mill Lane') with the town line of an address below it."""
    return bool(re.match(r"^\d{1,5}[a-z]?\s+\w", line)) and len(line) <= 60 and address_country(below) is not None


def _address_end(doc: Document, clean: str, first: int, stop: int | None = None) -> int:
    """End offset of the address lines from `first`: up to a blank line, a marker, the DPO, …"""
    lines = doc.lines
    end = lines[first - 1].end if first > 0 else 0
    limit = min(stop if stop is not None else len(lines), first + _MAX_BLOCK_LINES, len(lines))
    for k in range(first, limit):
        text = _strip_line(clean[lines[k].start : lines[k].end])
        if not text or _is_marker(text) or cue("party-block-end").search(text) or _label_re().match(text):
            break
        end = lines[k].end
    return end


def _next_nonblank(doc: Document, i: int) -> int | None:
    while i < len(doc.lines) and not doc.lines[i].text.strip():
        i += 1
    return i if i < len(doc.lines) else None


def _looks_like_name(text: str) -> bool:
    text = _strip_line(clean_text(text))
    if not text or len(text) > _MAX_NAME or text.endswith((":", ";")):
        return False
    if cue("party-separator").search(text) or _is_marker(text):
        return False
    return text[0].isupper() or text[0].isdigit() or bool(anchored("party-legal-form").search(text))


# --- 2. inline definitions ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _role_then_name() -> re.Pattern:
    """'Der Auftragnehmer (Acme GmbH)': a role word followed by a bracketed name."""
    role = anchored("processor-role").pattern
    article = anchored("article").pattern
    return re.compile(rf"{article}\s+{role}\s*\(\s*([^()\n]{{2,80}}?)\s*\)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _designation() -> re.Pattern:
    """A bracketed or dashed role designation inside a sentence: '(nachfolgend „Auftragnehmer“)'."""
    return re.compile(r"\(([^()\n]{2,100})\)|[–—]\s([^–—\n]{2,100})\s[–—]")


def _inline(doc: Document, clean: str) -> list[_Candidate]:
    out = []
    for m in _role_then_name().finditer(clean):
        inner = m.group(1)
        if _first_role(inner) or cue("role-designation").search(inner) or not _looks_like_name(inner):
            continue
        cand = _name_candidate(clean, m.start(1), m.end(1), 1)
        if cand:
            out.append(cand)
    designations = [(m.start(), m.group(1) or m.group(2)) for m in _designation().finditer(clean)]
    for m in cue("role-designation-trailing").finditer(clean):
        inner = next(g for g in m.groups() if g)
        designations.append((m.start(), inner))
    for at, inner in designations:
        marker = _is_marker(f"({inner})") and _first_role(inner) == "processor"
        short = not marker and _is_short_name(inner)
        if not marker and not short and not _is_self_designation(inner):
            continue
        sentence = _sentence_of(doc, at)
        cand = _name_before(clean, sentence[0], at)
        if cand and short:
            # 'between Acme Inc. ("Acme") and the customer ("Customer")': the other party is the controller
            if not _legal_form_re().search(cand.name) or not cue("controller-role").search(clean[slice(*sentence)]):
                continue
            cand = _Candidate(cand.name, cand.start, cand.end, 2)
        if cand:
            out.append(_with_address(cand, (cand.end, at) if at - cand.end > 8 else None))
    return out


def _is_short_name(inner: str) -> bool:
    """'"Acme"' / 'the "Acme"': a defined short name that is no role, pronoun or contract term."""
    words = inner.strip().strip(_QUOTES + " ")
    words = re.sub(rf"^{anchored('article').pattern}\s*", "", words, flags=re.IGNORECASE).strip(_QUOTES + " ")
    if not words or len(words.split()) > 3 or not words[0].isupper() or any(q in words for q in _QUOTES):
        return False
    if _is_place(words):
        return False  # 'Acme AB (Sweden)', 'Acme Ltd (Cork, Ireland)': a seat in brackets, not a defined name
    return not (_first_role(words) or _is_generic(words) or cue("role-designation").search(words))


def _is_place(text: str) -> bool:
    """The text is only places and countries ('Sweden', 'Cork, Ireland'), with separators between."""
    rest = text
    for _concept, start, end, _code in sorted(vocabulary().find_locations(text), key=lambda f: -f[1]):
        rest = rest[:start] + rest[end:]
    return rest != text and not re.search(r"\w", rest)


def _is_self_designation(inner: str) -> bool:
    """'"Acme", "we", "us"': a short name with first-person pronouns marks the processor."""
    parts = [p.strip().strip(_QUOTES + " ") for p in re.split(rf"[,;/]|{cue('list-last-and').pattern}", inner)]
    parts = [p for p in parts if p]
    pronoun = anchored("processor-pronoun")
    if not any(pronoun.fullmatch(p) for p in parts):
        return False
    # '"Acme", "we", "us"' or '"Processor", "we", "us"': the processor's short name or role word
    return all(
        pronoun.fullmatch(p) or (len(p.split()) <= 3 and p[:1].isupper() and _first_role(p) in (None, "processor"))
        for p in parts
    )


def _sentence_of(doc: Document, offset: int) -> tuple[int, int]:
    for s in sentences(doc):
        if s.start <= offset < s.end:
            return s.start, s.end
    line = doc.line_at(offset)
    return line.start, line.end


def _name_before(clean: str, start: int, end: int) -> _Candidate | None:
    """The company named last before `end`: a legal-form name, else the words after 'und/and'."""
    pre = clean[max(start, end - 300) : end]
    base = end - len(pre)
    # 'Acme LTD, a company registered in England and Wales with …': the name ends before the apposition
    appositions = list(cue("party-apposition").finditer(pre))
    if appositions:
        pre = pre[: appositions[-1].start()]
    forms = list(_legal_form_re().finditer(pre))
    if forms:
        form = forms[-1]
        name_start = _capitalised_run_start(pre, form.start())
        name_start += _leading_article(pre[name_start : form.start()])
        return _name_candidate(clean, base + name_start, base + form.end(), 1)
    tail = cue("party-connector").split(pre)[-1]
    tail = re.sub(r"^\s*\(?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})\)\s*", "", tail.split(",")[0]).strip()
    if tail and tail[0].isupper() and len(tail) <= 60:
        s = base + pre.rindex(tail)
        return _name_candidate(clean, s, s + len(tail), 1)
    return None


def _leading_article(text: str) -> int:
    """Length of a leading article in a capitalised run: 'Die Acme GmbH' -> len('Die ')."""
    m = re.match(rf"(?:{anchored('article').pattern})\s+(?=\S)", text, re.IGNORECASE)
    return m.end() if m else 0


@lru_cache(maxsize=1)
def _legal_form_re() -> re.Pattern:
    return re.compile(rf"(?<![\w&/.-]),?\s*(?:{cue('party-legal-form').pattern})(?![\w&/])")


def _capitalised_run_start(text: str, end: int) -> int:
    """Start of the run of capitalised words (and '&', digits) that ends at `end`."""
    tokens = list(re.finditer(r"\S+", text[:end]))
    start = end
    capitalised = False
    for n, tok in enumerate(reversed(tokens)):
        word = tok.group().strip(",")
        # a lower-case brand before a legal form ("rapidmail GmbH"), lower-case throughout and short
        lower_brand = bool(word) and n < MAX_LOWER_NAME_TOKENS - 1 and not capitalised and not is_lead_word(word)
        if not word or not (word[0].isupper() or word[0].isdigit() or word in ("&", "+", "-") or lower_brand):
            break
        capitalised = capitalised or word[0].isupper()
        if word.endswith((":", ";", ")")) or word.startswith(("(", "„", '"', "“")):
            if word.startswith(("„", '"', "“")):
                start = tok.start() + 1
            break
        start = tok.start()
    return start


def _role_fields(doc: Document, clean: str) -> list[_Candidate]:
    """'Name: Acme Inc. / Address: … / Role (controller/processor): Processor' (SCC Annex I.A)."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        text = clean[line.start : line.end]
        key = cue("party-role-key").match(text)
        if not key or _first_role(text[key.end() :]) != "processor":
            continue
        name = address = None
        for k in range(i - 1, max(-1, i - _MAX_BLOCK_LINES), -1):
            other = clean[lines[k].start : lines[k].end]
            if not other.strip():
                break
            found = cue("party-name-key").match(other)
            if found and name is None:
                name = _name_candidate(clean, lines[k].start + found.end(), lines[k].end, 1)
            found = cue("party-address-key").match(other)
            if found and address is None:
                address = (lines[k].start + found.end(), lines[k].end)
        if name:
            out.append(_with_address(name, address))
    return out


# --- 3./4. brands and footers -------------------------------------------------------------


def _brands(clean: str) -> list[_Candidate]:
    """'eine Marke der Acme GmbH' -> Acme GmbH (the company behind the brand)."""
    out = []
    for m in cue("brand-of").finditer(clean):
        cand = _name_after(clean, m.end(), 3)
        if cand:
            out.append(cand)
    return out


def _footers(clean: str) -> list[_Candidate]:
    """'© 2025 Acme. All rights reserved.' -> Acme."""
    out = []
    for m in cue("copyright").finditer(clean):
        by = anchored("copyright-by").pattern
        rest = re.match(rf"\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?)?\s*(?:{by}\s+)?", clean[m.end() :], re.IGNORECASE)
        cand = _name_after(clean, m.end() + (rest.end() if rest else 0), 4)
        if cand:
            out.append(cand)
    return out


def _name_after(clean: str, start: int, rank: int) -> _Candidate | None:
    """The company or brand that starts at `start`: up to its legal form, else to punctuation."""
    while start < len(clean) and clean[start] in " \t":
        start += 1
    line_end = clean.find("\n", start)
    segment = clean[start : len(clean) if line_end < 0 else line_end]
    stop = cue("copyright-end").search(segment)
    if stop:
        segment = segment[: stop.start()]
    forms = list(_legal_form_re().finditer(segment))
    if forms:
        end = forms[0].end()
    else:
        cut = re.search(r"[.,;:()|]|\s[–—-]\s", segment)
        end = cut.start() if cut else len(segment)
    return _name_candidate(clean, start, start + end, rank)


# --- names and addresses ------------------------------------------------------------------


def _name_candidate(clean: str, start: int, end: int, rank: int) -> _Candidate | None:
    """Trim markup, bullets, quotes and connectors; reject role words and sentences."""
    while start < end and (clean[start].isspace() or clean[start] in _QUOTES + "*_|-–•·"):
        start += 1
    while end > start and (clean[end - 1].isspace() or clean[end - 1] in _QUOTES + "*_|,;:"):
        end -= 1
    text = clean[start:end]
    m = BULLET.match(text)
    if m and not text[: m.end()].strip()[:1].isalpha():
        start += m.end()
        text = clean[start:end]
    name = " ".join(text.split())
    if not name or len(name) > _MAX_NAME or len(name) < 2:
        return None
    if cue("processor-role").fullmatch(name):
        return None
    if cue("controller-role").search(name[:20]) and not _legal_form_re().search(name):
        return None
    sentence_like = re.search(r"[.!?]\s+[A-ZÄÖÜ]", name) or name.endswith(".")
    if sentence_like and not _legal_form_re().search(name):
        return None
    return _Candidate(name, start, end, rank)


def _cut_address(clean: str, start: int, end: int) -> int:
    """End of the name on a line like 'Acme GmbH, Musterstraße 1, 12345 Berlin' (keeps 'Acme, Inc.')."""
    for m in re.finditer(r",\s*", clean[start:end]):
        rest = clean[start + m.end() : end]
        if _legal_form_re().match(" " + rest) or _legal_form_re().match(rest):
            continue
        if re.search(r"\d", rest):
            return start + m.start()
    return end


def _with_address(cand: _Candidate, address: tuple[int, int] | None) -> _Candidate:
    return _Candidate(cand.name, cand.start, cand.end, cand.rank, address)


def _strip_line(text: str) -> str:
    text = text.strip().strip("*_").strip()
    return text


def _strip_connector(clean: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading 'und'/'and'/'zwischen' and article from a name line."""
    connector, article = anchored("party-connector").pattern, anchored("article").pattern
    m = re.match(rf"\s*(?:{connector}\s+)?(?:{article}\s+)?", clean[start:end], re.IGNORECASE)
    return (start + m.end(), end) if m else (start, end)


# --- service ------------------------------------------------------------------------------


def find_service(doc: Document) -> Span | None:
    """The service or product name: quoted after a service noun, a capitalised name after
    'Plattform'/'platform', or the noun phrase after 'Gegenstand des Auftrags ist die'."""
    clean = clean_text(doc.text)
    for finder in (_quoted_service, _named_service, _subject_service):
        span = finder(doc, clean)
        if span:
            return span
    return None


@lru_cache(maxsize=1)
def _quoted_service_re() -> re.Pattern:
    noun = cue("service-noun").pattern
    return re.compile(
        rf"(?:{noun})\w*\s+(?:[\w-]+\s+){{0,3}}?[„\"“«‚]([^„\"“”«»‚‘’\n]{{2,60}}?)[\"“”»‘’]", re.IGNORECASE
    )


def _quoted_service(doc: Document, clean: str) -> Span | None:
    for m in _quoted_service_re().finditer(clean):
        between = clean[m.start() : m.start(1)]
        value = m.group(1).strip()
        if cue("role-designation").search(between) or _is_generic(value) or cue("processor-role").search(value):
            continue
        return doc.span(m.start(1), m.end(1))
    return None


@lru_cache(maxsize=1)
def _named_service_re() -> re.Pattern:
    noun = anchored("service-platform-noun").pattern
    name = r"(?-i:[A-Z][\w.+-]*)"
    return re.compile(rf"(?i:{noun})[ \t]+({name}(?:[ \t]+{name}){{0,2}})")


def _named_service(doc: Document, clean: str) -> Span | None:
    for m in _named_service_re().finditer(clean):
        value = m.group(1).rstrip(".,;:")
        if not _is_generic(value) and not cue("processor-role").search(value) and not _legal_form_re().match(value):
            return doc.span(m.start(1), m.start(1) + len(value))
    return None


def _subject_service(doc: Document, clean: str) -> Span | None:
    for m in cue("service-subject").finditer(clean):
        rest = clean[m.end() : m.end() + 120]
        stop = cue("service-stop").search(rest)
        phrase = rest[: stop.start()] if stop else rest
        if 2 <= len(phrase.strip()) <= 80 and phrase.strip()[:1].isupper():
            return doc.span(m.end(), m.end() + len(phrase))
    return None


def _is_generic(value: str) -> bool:
    return bool(anchored("generic-term").fullmatch(value.strip()))


# --- 5. fallback: scored organisation names -------------------------------------------------

_ROLE_WINDOW = 90


def _fallback(doc: Document, clean: str, listed: Sequence[SubprocessorEntry] | None) -> _Candidate | None:
    """When no specific rule names the processor: every organisation name (a capitalised run ending
    in a legal form) outside the sub-processor lists, scored by nearby processor role words or
    first-person pronouns, position (title lines, signature block, footer) and frequency. A name
    whose nearest role word is the controller's is never chosen, nor a listed sub-processor."""
    from graph.extract.annex import find_regions
    from graph.extract.subprocessors import find_subprocessors

    regions = [(r.start, r.end) for r in find_regions(doc)]
    if listed is None:
        listed = find_subprocessors(doc).entries
    listed_keys = {_org_key(e.name) for e in listed if e.name}
    other = (cue("clause-subprocessor"), cue("tom-heading"))
    n_lines = len(doc.lines)
    scores: dict[str, float] = {}
    controller: dict[str, int] = {}
    first: dict[str, _Candidate] = {}
    for form in _legal_form_re().finditer(clean):
        line = doc.line_at(form.start())
        run_start = max(line.start, form.start() - 100)
        pre = clean[run_start : form.start()]
        start = run_start + _capitalised_run_start(pre, len(pre))
        roles = [m.end() for _, m in _role_matches(clean, start, form.start())]
        if roles:  # 'the Customer, Acme Ltd': the name starts after the role word
            start = max(roles)
            start += len(clean[start : form.start()]) - len(clean[start : form.start()].lstrip(" ,:–-"))
        start += _leading_article(clean[start : form.start()])
        cand = _name_candidate(clean, start, form.end(), 5)
        if not cand or cand.start >= form.start() or not any(ch.isalpha() for ch in clean[cand.start : form.start()]):
            continue
        key = _org_key(cand.name)
        if key in listed_keys or any(s <= cand.start < e for s, e in regions):
            continue
        if any(in_section(doc, cand.start, c) for c in other):
            continue
        role = _nearest_role(clean, cand.start, cand.end)
        if role == "controller":
            controller[key] = controller.get(key, 0) + 1
            continue
        score = 3.0 if role == "processor" else 0.5
        number = next((k for k, ln in enumerate(doc.lines) if ln.start == line.start), n_lines)
        if number < 4:
            score += 2.0
        elif number >= n_lines - 12:
            score += 1.0
        scores[key] = scores.get(key, 0.0) + score
        first.setdefault(key, cand)
    ranked = [k for k in scores if scores[k] > 2 * controller.get(k, 0)]
    if not ranked:
        return None
    best = max(ranked, key=lambda k: (scores[k], -first[k].start))
    return first[best]


def _org_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).casefold()


def _nearest_role(clean: str, start: int, end: int) -> str | None:
    """'processor' or 'controller': whose name this is, from the role words of its sentence.
    A bracketed designation right after the name decides ('X (nachfolgend „Auftragnehmer“)',
    'X ("we", "us")'); else the nearest role word before it ('For the Processor: X', 'Anbieter ist
    die X', a label on the line above); else the nearest one after it in the same sentence."""
    bracket = re.match(r"\s*\(([^()\n]{1,120})\)", clean[end : end + 130])
    if bracket:
        role = _role_of(bracket.group(1))
        if role:
            return role
    line_start = clean.rfind("\n", 0, start) + 1
    lo = max(line_start, start - _ROLE_WINDOW)
    stop = max((m.end() for m in re.finditer(r"[.!?;]\s", clean[lo:start])), default=0)
    lo += stop
    if not clean[line_start:start].strip(" \t*_|-–•·") and line_start > 0:
        above = clean.rfind("\n", 0, line_start - 1) + 1
        if clean[above : line_start - 1].rstrip().endswith(":"):
            lo = above
    before = [(m.start(), r) for r, m in _role_matches(clean, lo, start)]
    if before:
        return max(before)[1]
    line_end = clean.find("\n", end)
    hi = min(len(clean) if line_end < 0 else line_end, end + _ROLE_WINDOW)
    cut = re.search(r"[.!?;]\s", clean[end:hi])
    hi = end + cut.start() if cut else hi
    after = [(m.start(), r) for r, m in _role_matches(clean, end, hi)]
    return min(after)[1] if after else None


def _role_of(text: str) -> str | None:
    found = [(m.start(), r) for r, m in _role_matches(text, 0, len(text))]
    return min(found)[1] if found else None


def _role_matches(text: str, lo: int, hi: int):
    pronoun = re.compile(rf"(?<![\w-])(?:{anchored('processor-pronoun').pattern})(?![\w-])", re.IGNORECASE)
    for role, pattern in (
        ("processor", cue("processor-role")),
        ("controller", cue("controller-role")),
        ("processor", pronoun),
    ):
        for m in pattern.finditer(text, lo, hi):
            yield role, m
