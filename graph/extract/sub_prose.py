"""Sub-processors named in running text: "We use Acme Inc. (USA) for e-mail delivery".

Used only when a document has no structured list. A name is a run of capitalised tokens
that ends in a legal form, or a well-known organisation of the registry; the sentence must
speak of engaging a provider (use-verb or sub-processor term), must not say the party is
*not* a sub-processor, and the one who engages ("Acme GmbH setzt … ein") is left out. The bracket after
a name gives the seat; a location sentence in the text up to the next name gives the place
of processing.
"""

from __future__ import annotations

import re

from graph.document import Document
from graph.extract.places import address_country
from graph.extract.sub_cues import cue, legal_form
from graph.extract.sub_fields import Field, RawEntry
from graph.extract.sub_names import MAX_LOWER_NAME_TOKENS, is_lead_word, known_org_spans

_TOKEN = re.compile(r"[\w&.'’+/-]+")
MAX_LEAD_OFFSET = 60
_COMMA_PLACE = re.compile(r",\s*([^;()]{1,80}?)(?=\s*(?:\(|\)|;|$))")
_BRACKET = re.compile(r"\s*\(([^()]*)\)")


def prose_entries(doc: Document, start: int, end: int, require_term: bool) -> list[RawEntry]:
    """Entries named in the sentences of doc.text[start:end].

    With `require_term` (no list region found) a sentence must also use the sub-processor
    term, so party names and examples elsewhere in the contract are not taken.
    """
    entries = []
    for s, e in sentence_spans(doc.text, start, end):
        sentence = doc.text[s:e]
        if not _engages(sentence, require_term) or cue("not-subprocessor").search(sentence):
            continue
        names = _engaged(sentence, org_names(sentence))
        for i, (ns, ne) in enumerate(names):
            tail_end = names[i + 1][0] if i + 1 < len(names) else len(sentence)
            entries.append(_entry(doc, s, ns, ne, tail_end))
    return entries


def _engaged(sentence: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Acme GmbH setzt Beta Ltd ein": a name before the verb, with another after it, is the
    one who engages (the processor), not a sub-processor."""
    verb = cue("use-verb").search(sentence)
    if verb is None or not any(s >= verb.start() for s, _ in names):
        return names
    return [(s, e) for s, e in names if s >= verb.start()]


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences in text[start:end]: split at '.', '!' or '?' before a capital, and at line ends.

    A dot after a short token ("Art.", "Inc.", "z. B.", "1.2.") does not end a sentence.
    """
    out, pos = [], start
    i = start
    while i < end:
        ch = text[i]
        if ch == "\n" or (ch in ".!?" and _ends_sentence(text, i, end)):
            if text[pos:i].strip():
                out.append((pos, i + (ch != "\n")))
            pos = i + 1
        i += 1
    if text[pos:end].strip():
        out.append((pos, end))
    return out


def _ends_sentence(text: str, i: int, end: int) -> bool:
    nxt = text[i + 1 : i + 3]
    if not nxt.startswith((" ", "\t")) or not nxt[1:2] or not (nxt[1].isupper() or nxt[1] in '„"('):
        return i + 1 >= end or text[i + 1 : i + 2] == "\n"
    word = re.search(r"(\S+)$", text[max(0, i - 12) : i])
    token = word.group(1) if word else ""
    abbreviation = "." in token.strip("(").rstrip(".")  # "U.S.", "z.B.", "e.g."
    return not (len(token.strip("(")) <= 3 or token.replace(".", "").isdigit() or abbreviation)


def _engages(sentence: str, require_term: bool) -> bool:
    term = cue("subprocessor-term").search(sentence)
    verb = cue("use-verb").search(sentence) or cue("list-intro").search(sentence)
    return bool(term) if require_term else bool(term or verb)


def org_names(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each organisation name: capitalised tokens closed by a legal form, and
    well-known organisations from the registry ("Mailchimp") where no legal name covers them."""
    found: list[tuple[int, int]] = []
    last_end = 0
    for m in legal_form().finditer(sentence):
        if m.start() < last_end:
            continue
        start = _walk_back(sentence, m.start())
        last_end = m.end()
        if start is not None and not _after_party_role(sentence, start):
            found.append((start, m.end()))
    for start, end, _ in known_org_spans(sentence):
        if all(end <= s or start >= e for s, e in found) and not _after_party_role(sentence, start):
            found.append((start, end))
    return sorted(found)


def _after_party_role(sentence: str, start: int) -> bool:
    """ "Der Auftragnehmer (Acme GmbH)": a party of the agreement, not a sub-processor."""
    return bool(cue("party-role").search(sentence[max(0, start - 40) : start]))


def _walk_back(sentence: str, lf_start: int) -> int | None:
    """Start of the capitalised run before a legal form; None when there is none."""
    prefix = sentence[:lf_start]
    prefix_stripped = prefix.rstrip()
    if prefix_stripped.endswith(","):
        prefix_stripped = prefix_stripped[:-1].rstrip()
    tokens = list(_TOKEN.finditer(prefix_stripped))
    start = None
    capitalised = False
    for n, tok in enumerate(reversed(tokens[-6:])):
        word = tok.group(0)
        between = prefix_stripped[tok.end() : start if start is not None else len(prefix_stripped)]
        if any(ch in between for ch in '(),;:"„“”'):
            break
        # a lower-case brand ("rapidmail GmbH") is lower-case throughout: "affiliate Karoo Ltd" is no name
        lower_brand = n < MAX_LOWER_NAME_TOKENS - 1 and not capitalised and not is_lead_word(word)
        if word[0].isupper() or word[0].isdigit() or _joiner(word) or _brand(word) or lower_brand:
            start = tok.start()
            capitalised = capitalised or word[0].isupper()
        else:
            break
    if start is None:
        return None
    return _drop_role_words(sentence, start, lf_start)


def _joiner(word: str) -> bool:
    """Small words inside names ("Bank of X", "&")."""
    return word == "&" or bool(cue("name-joiner").fullmatch(word))


def _brand(word: str) -> bool:
    return any(ch.isupper() for ch in word[1:]) and word[0].isalpha()


def _drop_role_words(sentence: str, start: int, lf_start: int) -> int | None:
    """Skip leading role words and articles: "Servern der X GmbH", "Unterauftragsverarbeiters X Inc."."""
    for tok in _TOKEN.finditer(sentence[:lf_start], start):
        if tok.group(0).islower() and cue("name-stopword").fullmatch(tok.group(0)):
            start = tok.end()
    for tok in _TOKEN.finditer(sentence[:lf_start], start):
        word = tok.group(0)
        if cue("subprocessor-term").search(word) or cue("name-stopword").fullmatch(word) or _joiner(word):
            start = tok.end()
            continue
        return tok.start()
    return None


def _entry(doc: Document, base: int, ns: int, ne: int, tail_end: int) -> RawEntry:
    """The entry for one name: a town after a comma is the address, a bracket with places the
    seat (any other bracket the purpose), the rest of its text a statement and purpose."""
    text = doc.text[base : base + tail_end]
    entry = RawEntry("prose", base + ns, base + tail_end)
    entry.add(Field("name", base + ns, base + ne, doc.text[base + ns : base + ne]))
    pos = ne
    m = _COMMA_PLACE.match(text, pos)
    if m and address_country(m.group(1)):
        entry.add(Field("address", base + m.start(1), base + m.end(1), m.group(1)))
        pos = m.end()
    m = _BRACKET.match(text, pos)
    if m:
        role = "seat" if address_country(m.group(1)) else "purpose"
        entry.add(Field(role, base + m.start(1), base + m.end(1), m.group(1)))
        pos = m.end()
    _add_tail(doc, entry, base, text, pos)
    return entry


def _drop_trailing_stopwords(text: str) -> str:
    """ "newsletters and" -> "newsletters": the purpose ends before the next name's conjunction."""
    words = text.rstrip(" .").split(" ")
    while words and cue("purpose-trailer").fullmatch(words[-1]):
        words.pop()
    return text[: len(" ".join(words))] if words else ""


def _add_tail(doc: Document, entry: RawEntry, base: int, text: str, pos: int) -> None:
    """The text after the name up to the next one: a statement, and a purpose after 'to'/'für'."""
    tail = text[pos:].strip(" ,;)")
    if not tail:
        return
    t_start = base + pos + text[pos:].index(tail[0])
    entry.add(Field("statement", t_start, t_start + len(tail), doc.text[t_start : t_start + len(tail)]))
    lead = _purpose_lead(tail)
    if lead is not None and not entry.has("purpose"):
        length = len(_drop_trailing_stopwords(re.match(r"[^,;(]*", tail[lead:]).group(0)))
        p_start = t_start + lead
        entry.add(Field("purpose", p_start, p_start + length, doc.text[p_start : p_start + length]))


def _purpose_lead(tail: str) -> int | None:
    """Where the purpose starts: after the first "to"/"for"/"für"/"zur" that is not followed
    by the role word ("als Unterauftragsverarbeiter für das Hosting" -> "Hosting")."""
    for m in cue("purpose-lead").finditer(tail):
        if m.start() > MAX_LEAD_OFFSET:
            return None
        if not cue("subprocessor-term").match(tail, m.end()):
            return m.end()
    return None
