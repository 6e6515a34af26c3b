"""Clause facts: breach deadline, objection period, governing law, special categories,
document date, and the presence of the Art. 28 requirements R01–R32.

Every phrase is a cue set in `ontology/cues/clauses.ttl` or a pattern on a requirement
concept in `ontology/requirements.ttl`; this module holds only the logic that tells the
traps apart:
  * the controller's own 72 h deadline towards the supervisory authority is not the processor's
    deadline: the notified party nearest to the hour figure decides;
  * a deadline in calendar days or weeks is converted to hours; one in business days has no fixed
    length, so it gives no hours but still the phrase;
  * an advance-notice period is not an objection period unless the text ties the objection to it;
  * an objection outside the sub-processor clause (a supplementary schedule) counts only when it
    objects to an announced change and nothing in the clause itself gives a period;
  * number words are composed ("vierundzwanzig", "twenty-four", "one hundred and twenty");
  * "Soweit … sensible Daten …" states neither yes nor no; an annex field ("Sensitive data
    transferred (if applicable) …: health data …" / "…: keine") answers the question directly, and
    a remark about one sub-processor ("no health data is sent to it") is no answer;
  * TOM headings ("Auftragskontrolle") are not audit clauses: TOM sections are skipped.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from graph.document import Document
from graph.extract.clause_cues import cue, month_pattern, month_value, number_pattern, number_value, valued
from graph.extract.datalists import find_data_categories, special_category_items
from graph.extract.memo import per_document
from graph.extract.places import address_country
from graph.extract.sentences import (
    BULLET,
    CONTEXT_SENTENCES,
    Sentence,
    clean_text,
    headings_above,
    in_section,
    in_tom,
    near,
    sentences,
)
from graph.model import ClauseFinding, Fact
from graph.vocab import DPACUE, vocabulary

_FOLLOWING_PENALTY = 40  # characters: a party named after the figure is a weaker link
_LAW_SENTENCE_SHORT = 120
_FIELD_LABEL = 700  # characters: the longest field label of an annex form
_LAW_GAP = 40
_DATE_LINE = 120  # a date line is short (header, footer) …
_DATE_LINE_START = (
    40  # … or the date cue opens the line  # characters between the governing verb and the law it chooses
)


# --- shared -------------------------------------------------------------------------------


def _span(doc: Document, s: Sentence):
    return doc.span(s.start, s.end)


def _figure_re(units: str) -> re.Pattern:
    """A number ('24', 'vierundzwanzig', 'seventy-two (72)') followed by one of the units."""
    return re.compile(rf"(?P<num>{number_pattern()})(?:\s*\(\s*\d{{1,3}}\s*\))?\s*-?\s*(?:{units})", re.IGNORECASE)


@lru_cache(maxsize=1)
def _day_re() -> re.Pattern:
    return _figure_re(rf"(?P<week>{cue('week-unit').pattern})|(?:{cue('day-unit').pattern})")


@lru_cache(maxsize=1)
def _deadline_re() -> re.Pattern:
    """Hours, days or weeks: a breach deadline in days counts as days × 24 hours."""
    return _figure_re(
        rf"(?P<hour>{cue('hour-unit').pattern})|(?P<week>{cue('week-unit').pattern})"
        rf"|(?P<day>{cue('day-unit').pattern})"
    )


# --- breach notification ------------------------------------------------------------------


@dataclass(frozen=True)
class _Hours:
    value: int | None  # None for business days: they have no fixed length in hours
    sentence: Sentence
    start: int  # offset of the figure in Document.text
    end: int
    rank: tuple


def breach_notification_hours(doc: Document) -> Fact | None:
    """Hours the processor has to notify the controller of a breach (not the authority deadline)."""
    found = _breach_hours(doc)
    if not found:
        return None
    best = min(found, key=lambda h: h.rank)
    return Fact(best.value, doc.span(best.start, best.end)) if best.value is not None else None


@per_document
def _breach_hours(doc: Document) -> list[_Hours]:
    out = []
    for s in sentences(doc):
        if not near(doc, s, cue("breach")):
            continue
        notify = bool(cue("notify").search(s.text))
        for m in _deadline_re().finditer(s.text):
            value = number_value(m.group("num"))
            if value is None or value == 0:
                continue
            value = _in_hours(m, value)
            target = _notified_party(s.text, m.start(), m.end())
            if target == "authority" or not (notify or target == "controller"):
                continue
            rank = (in_tom(doc, s.start), target is None, s.start + m.start())
            out.append(_Hours(value, s, s.start + m.start(), s.start + m.end(), rank))
    return out


def _in_hours(m: re.Match, value: int) -> int | None:
    """The deadline in hours: calendar days × 24, weeks × 168; None for business days."""
    if m.group("hour"):
        return value
    if m.group("week"):
        return value * 7 * 24
    return None if cue("business-day-unit").search(m.group("day")) else value * 24


def _notified_party(text: str, start: int, end: int) -> str | None:
    """'controller' or 'authority': the party named nearest to the figure (after it counts less)."""
    best: tuple[int, str] | None = None
    for name, kind in (("recipient-controller", "controller"), ("authority", "authority")):
        for m in cue(name).finditer(text):
            if m.end() <= start:
                dist = start - m.end()
            elif m.start() >= end:
                dist = m.start() - end + _FOLLOWING_PENALTY
            else:
                dist = 0
            if best is None or dist < best[0]:
                best = (dist, kind)
    return best[1] if best else None


@per_document
def breach_notification_text(doc: Document) -> Fact | None:
    """The phrase that sets the processor's breach deadline ('ohne schuldhaftes Zögern',
    'unverzüglich, spätestens innerhalb von 24 Stunden nach Kenntnis')."""
    hours = _breach_hours(doc)
    if hours:
        best = min(hours, key=lambda h: h.rank)
        return _phrase(doc, best.sentence, best.start - best.sentence.start)
    candidates = []
    for s in sentences(doc):
        if not cue("notify").search(s.text) or not near(doc, s, cue("breach")):
            continue
        for m in cue("breach-deadline").finditer(s.text):
            if _clause_names_authority(s.text, m.start()):
                continue
            rank = (in_tom(doc, s.start), not cue("breach").search(s.text), s.start)
            candidates.append((rank, s, m))
            break
    if not candidates:
        return None
    _, s, m = min(candidates, key=lambda c: c[0])
    return Fact(m.group().strip(), doc.span(s.start + m.start(), s.start + m.end()))


def _phrase(doc: Document, s: Sentence, figure: int) -> Fact:
    """From the deadline wording before the hour figure to the figure and its starting point."""
    text = s.text
    start = figure
    for m in cue("breach-deadline").finditer(text, 0, figure):
        if figure - m.end() <= 80:
            start = m.start()
            break
    else:
        limit = [m for m in cue("deadline-limit").finditer(text, 0, figure) if figure - m.end() <= 20]
        if limit:
            start = limit[-1].start()
    figure_match = _deadline_re().match(text, figure)
    end = figure_match.end() if figure_match else figure
    tail = cue("deadline-tail").match(text[end:])
    if tail:
        end += tail.end()
    span = doc.span(s.start + start, s.start + end)
    return Fact(" ".join(span.text.split()), span)


def _clause_names_authority(text: str, pos: int) -> bool:
    """True when the comma-clause around `pos` is about the supervisory authority."""
    left = max(text.rfind(",", 0, pos), text.rfind(";", 0, pos))
    right_candidates = [k for k in (text.find(",", pos), text.find(";", pos)) if k >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    clause = text[left + 1 : right]
    return bool(cue("authority").search(clause)) and not cue("recipient-controller").search(clause)


# --- sub-processor objection period -------------------------------------------------------


@per_document
def objection_days(doc: Document) -> Fact | None:
    """Days the controller has to object to a new sub-processor; a bare notice period is not one.

    An objection sentence counts when sub-processors are named in it, just before it or in a
    heading above; failing that, a sentence elsewhere (a supplementary schedule) that objects to an
    announced change, when the document speaks about sub-processors at all."""
    all_sentences = sentences(doc)
    sub = cue("clause-subprocessor")
    weak: list[Sentence] = []
    for s in all_sentences:
        if not cue("objection").search(s.text) or in_tom(doc, s.start):
            continue
        if not near(doc, s, sub):
            weak.append(s)
            continue
        found = _objection_period(doc, s, all_sentences)
        if found:
            return found
    if not sub.search(doc.text):
        return None
    for s in weak:
        if cue("objection-change").search(s.text) and not cue("objection-other-topic").search(s.text):
            found = _objection_period(doc, s, all_sentences)
            if found:
                return found
    return None


def _objection_period(doc: Document, s: Sentence, all_sentences: list[Sentence]) -> Fact | None:
    tied = bool(cue("objection-tie").search(s.text))
    days = list(_day_re().finditer(s.text))
    for m in days:
        value = _days(m)
        after = s.text[m.end() :]
        if value is None or cue("after-objection").match(after):
            continue
        if _is_notice(s.text, m) and not tied:
            continue
        return Fact(value, doc.span(s.start + m.start(), s.start + m.end()))
    if tied and not days:  # "… innerhalb dieser Frist Einspruch erheben": the period is in the sentence before
        for k in range(s.index - 1, max(-1, s.index - 1 - CONTEXT_SENTENCES), -1):
            prev = all_sentences[k]
            for m in _day_re().finditer(prev.text):
                value = _days(m)
                if value is not None:
                    return Fact(value, doc.span(prev.start + m.start(), prev.start + m.end()))
    return None


def _days(m: re.Match) -> int | None:
    value = number_value(m.group("num"))
    if value is None or value == 0:
        return None
    return value * 7 if m.group("week") else value


def _is_notice(text: str, m: re.Match) -> bool:
    """The period runs before the change ('14 Tage vor Einsatz', "30 days' prior notice")."""
    return bool(cue("notice-only").match(text[m.end() :]))


# --- governing law ------------------------------------------------------------------------


def governing_law(doc: Document) -> Fact | None:
    """ISO code of the law chosen for the agreement ('Es gilt deutsches Recht' -> 'DE').

    The law must stand next to a governing verb ('unterliegt deutschem Recht', 'governed by the
    laws of Ireland'), in a sentence about the contract or under a final-provisions heading; a
    choice for this DPA wins over one for the main agreement.
    """
    found: list[tuple[bool, int, str, Sentence]] = []
    for s in sentences(doc):
        if not cue("governing-law").search(s.text) or cue("special-conditional").match(s.text):
            continue
        about_contract = (
            len(s.text) <= _LAW_SENTENCE_SHORT
            or cue("contract-word").search(s.text)
            or any(cue("final-provisions").search(t) for t in headings_above(doc, s.start))
        )
        if not about_contract:
            continue
        code = _chosen_law(s.text)
        if code:
            found.append((not cue("this-agreement").search(s.text), s.start, code, s))
    if not found:
        return None
    _, _, code, s = min(found, key=lambda f: f[:2])
    return Fact(code, _span(doc, s))


def _chosen_law(text: str) -> str | None:
    """The country of a law named right beside a governing verb in the sentence."""
    verbs = [(m.start(), m.end()) for m in cue("governing-law").finditer(text)]

    def near(start: int, end: int) -> bool:
        return any(start - ve <= _LAW_GAP and ve <= start or vs - end <= _LAW_GAP and vs >= end for vs, ve in verbs)

    for code, pattern in valued("law-"):
        if re.fullmatch(r"[A-Z]{2}", code):
            for m in pattern.finditer(text):
                if near(m.start(), m.end()):
                    return code
    for m in cue("chosen-law-place").finditer(text):
        if not near(m.start(), m.end()):
            continue
        place = re.split(rf"[,.;()]|{cue('place-stop').pattern}", text[m.end() :], flags=re.IGNORECASE)[0]
        code = address_country(place[:60]) if place.strip() else None
        if code and code != "EU":
            return code
    return None


# --- special categories -------------------------------------------------------------------


def special_categories(doc: Document) -> Fact | None:
    """True/False when the text says whether Art. 9 data are processed; None when it only says
    what happens if they are."""
    field = _special_field(doc)  # the annex field answers the question directly
    if field is not None:
        return field
    stated = _special_statement(doc)
    if stated is not None:
        return stated
    categories, _ = find_data_categories(doc)
    listed = special_category_items(categories)
    if listed:
        return Fact(True, listed[0].evidence)
    return None


def _special_field(doc: Document) -> Fact | None:
    """A form field about Art. 9 data and its answer: 'Sensitive data transferred (if applicable):
    health data …' (same line or the lines below) -> True; 'keine' / 'None' -> False."""
    clean = clean_text(doc.text)
    lines = doc.lines
    for m in cue("special-categories").finditer(clean):
        if in_tom(doc, m.start()):
            continue
        line = doc.line_at(m.start())
        text = clean[line.start : line.end]
        colon = text.find(":", m.end() - line.start)
        label = text[:colon] if colon >= 0 else text
        opens = not re.sub(r"^[\W\d]*(?:[a-h][.)]\s*)?", "", text[: m.start() - line.start])  # the cue opens the line
        long_label = _long_field_label(clean, m, line) if opens else None
        if long_label is not None:  # the SCC annex label runs over several clauses and lines
            line_end = long_label
            colon = line_end - line.start - 1
            text = clean[line.start : line_end]
            line = doc.line_at(line_end - 1)
        elif len(label.strip()) > 120 or re.search(r"[.!?;]\s", label) or not _is_title(label.strip() + " "):
            continue
        if cue("special-negation").search(label):
            continue
        if long_label is not None:
            value_start, value_end = long_label, line.end
        else:
            value_start, value_end = (line.start + colon + 1, line.end) if colon >= 0 else (line.end, line.end)
        if not clean[value_start:value_end].strip():  # the answer is on the lines below
            k = line.number + 1
            while k < len(lines) and not clean[lines[k].start : lines[k].end].strip():
                k += 1
            if k >= len(lines):
                continue
            value_start, value_end = lines[k].start, lines[k].end
            while k + 1 < len(lines) and BULLET.match(clean[lines[k + 1].start : lines[k + 1].end]):
                k += 1
                value_end = lines[k].end
        value = clean[value_start:value_end]
        if cue("none-value").match(value) or cue("special-negation").search(value):
            return Fact(False, doc.span(line.start, value_end))
        if cue("special-conditional").match(value):
            continue
        if cue("special-category-data").search(value) or strong_special_topic(value):
            return Fact(True, doc.span(line.start, value_end))
    return None


def _long_field_label(clean: str, m: re.Match, line) -> int | None:
    """Offset just after the colon of a long field label that the cue opens ('Sensitive data
    transferred (if applicable) and applied restrictions or safeguards that fully take into
    consideration …, restrictions for onward transfers or additional security measures:')."""
    window = clean[m.end() : m.end() + _FIELD_LABEL]
    stop = re.search(r"\n\s*\n|[.!?;](?:\s|$)", window)
    colon = window.find(":", 0, stop.start() if stop else len(window))
    if colon < 0:
        return None
    after = window[colon + 1 :]
    return m.end() + colon + 1 if not after[:1].strip() else None


def _special_statement(doc: Document) -> Fact | None:
    """A sentence that says whether Art. 9 data are processed; not one about a single sub-processor."""
    all_sentences = sentences(doc)
    for s in all_sentences:
        if not cue("special-categories").search(s.text) or in_tom(doc, s.start):
            continue
        if in_section(doc, s.start, cue("clause-subprocessor")):
            continue
        if _is_title(s.text):  # "Sensitive data transferred (if applicable)" — the answer is below
            answer = all_sentences[s.index + 1] if s.index + 1 < len(all_sentences) else None
            if answer is not None and cue("none-value").match(answer.text):
                return Fact(False, doc.span(s.start, answer.end))
            continue
        if cue("special-conditional").match(s.text):
            # "Soweit Bewerbende … angeben, werden auch besondere Kategorien … verarbeitet."
            if _main_clause_affirms(s.text):
                return Fact(True, _span(doc, s))
            continue
        if cue("special-negation").search(s.text):
            return Fact(False, _span(doc, s))
        if cue("processing-verb").search(s.text) and strong_special_topic(s.text):
            return Fact(True, _span(doc, s))
    return None


def strong_special_topic(text: str) -> bool:
    """An Art. 9 mention other than loose 'sensible Daten' / 'sensitive data' wording."""
    loose = [(m.start(), m.end()) for m in cue("sensitive-data-loose").finditer(text)]
    return any(
        not any(a <= m.start() and m.end() <= b for a, b in loose) for m in cue("special-categories").finditer(text)
    )


def _is_title(text: str) -> bool:
    """A heading-like line: short and without final punctuation."""
    tail = text.rstrip()
    return len(tail) <= 100 and ":" not in tail and not tail.endswith((".", "!", "?", ";")) and "\n" not in tail


def _main_clause_affirms(text: str) -> bool:
    """After a conditional opening, a comma-clause that itself names Art. 9 data and says they
    are processed (not one that continues the condition with 'oder …' or a relative clause)."""
    for m in cue("special-categories").finditer(text):
        left = text.rfind(",", 0, m.start())
        if left < 0:
            continue
        right = text.find(",", m.end())
        clause = text[left + 1 : right if right >= 0 else len(text)]
        if cue("relative-clause").match(clause) or cue("list-last-and").match(" " + clause.lstrip()):
            continue
        if (
            cue("processing-verb").search(clause)
            and not cue("special-negation").search(clause)
            and strong_special_topic(clause)
        ):
            return True
    return False


# --- document date ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _date_res() -> tuple[re.Pattern, ...]:
    """Date shapes: 15.01.2025, 2025-01-15, 2025/01/15, 1. März 2025 / 15th of January 2025,
    February 3, 2025, 15/01/2025 or 01/15/2025, Oktober 2025, 09/2024."""
    month = month_pattern()
    ordinal = cue("ordinal-suffix").pattern
    year = r"(?P<y>(?:19|20)\d{2})\b"
    return (
        re.compile(rf"(?P<d>\d{{1,2}})\.\s?(?P<m>\d{{1,2}})\.\s?{year}"),
        re.compile(r"(?P<y>(?:19|20)\d{2})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\b"),
        re.compile(rf"(?P<d>\d{{1,2}})(?:\.|{ordinal})?\s+(?:of\s+)?(?P<mn>{month})\.?,?\s+{year}", re.IGNORECASE),
        re.compile(rf"(?P<mn>{month})\.?\s+(?P<d>\d{{1,2}})(?:{ordinal})?,?\s+{year}", re.IGNORECASE),
        re.compile(rf"(?<![\d./-])(?P<a>\d{{1,2}})(?P<sep>[/-])(?P<b>\d{{1,2}})(?P=sep){year}"),
        re.compile(rf"(?P<mn>{month})\.?\s+{year}", re.IGNORECASE),
        re.compile(rf"(?<![\d./])(?P<m>\d{{1,2}})/{year}"),
    )


def document_date(doc: Document) -> Fact | None:
    """The date or version date the document states, in ISO form so that values sort like dates:
    'Stand: 15.01.2025' -> '2025-01-15', 'Stand: Oktober 2025' -> '2025-10'."""
    clean = clean_text(doc.text)
    for m in cue("document-date").finditer(clean):
        line = doc.line_at(m.start())
        if len(line.text.strip()) > _DATE_LINE and m.start() - line.start > _DATE_LINE_START:
            continue  # "… Standardvertragsklauseln in der Fassung vom 4. Juni 2021 …" dates a law, not this text
        window = clean[m.end() : m.end() + 50]
        window = window.split("\n", 1)[0]
        found = _first_date(window)
        if found:
            value, _start, end = found
            return Fact(value, doc.span(m.start(), m.end() + end))
    return None


def _first_date(text: str) -> tuple[str, int, int] | None:
    best = None
    for pattern in _date_res():
        m = pattern.search(text)
        if not m:
            continue
        value = _iso(m)
        if value and (best is None or m.start() < best[1]):
            best = (value, m.start(), m.end())
    return best


def _iso(m: re.Match) -> str | None:
    """ISO 8601 'YYYY-MM-DD' for a full date, 'YYYY-MM' for a month: both sort like the dates."""
    groups = m.groupdict()
    year = int(groups["y"])
    if groups.get("a"):  # 15/01/2025 is day-first (EU usage); 01/15/2025 can only be month-first
        first, second = int(groups["a"]), int(groups["b"])
        day, month = (second, first) if second > 12 >= first else (first, second)
    else:
        month = int(groups["m"]) if groups.get("m") else month_value(groups.get("mn") or "")
        day = int(groups["d"]) if groups.get("d") else None
    if not month or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- requirement presence -----------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    id: str  # "R10"
    patterns: tuple[re.Pattern, ...]
    context: str | None  # cue-set name that must be near the sentence
    reads_security_measures: bool


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    """The requirement concepts of `ontology/requirements.ttl`, in notation order."""
    out = []
    for concept in vocabulary().scheme("requirements").concepts:
        if not concept.notation:
            continue
        context = next(iter(concept.extra.get("context", [])), None)
        if context and context.startswith(DPACUE):
            context = context[len(DPACUE) :]
        reads = any(v.lower() == "true" for v in concept.extra.get("readsSecurityMeasures", []))
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in concept.patterns)
        out.append(Requirement(concept.notation, patterns, context, reads))
    return tuple(sorted(out, key=lambda r: r.id))


_SHORT_SENTENCE = 40  # a heading proves less than a sentence with the same cues


def find_clauses(doc: Document) -> list[ClauseFinding]:
    """Presence of each requirement R01–R32, with the sentence that matches most of its cues.

    The breach (R25) and objection (R17) clauses take the sentence the fact extractors chose,
    so the evidence is the processor's deadline, not the controller's 72 h.
    """
    all_sentences = sentences(doc)
    toms = [in_tom(doc, s.start) for s in all_sentences]
    facts = {"R25": breach_notification_text(doc), "R17": objection_days(doc)}
    out = []
    for req in requirements():
        fact = facts.get(req.id)
        if fact is not None and fact.evidence is not None:
            s = next((x for x in all_sentences if x.start <= fact.evidence.start < x.end), None)
            if s is not None:
                out.append(ClauseFinding(req.id, True, _span(doc, s)))
                continue
        context = cue(req.context) if req.context else None
        best: tuple[tuple, Sentence] | None = None
        for s, tom in zip(all_sentences, toms, strict=True):
            if tom and not req.reads_security_measures:
                continue
            hits = {m.group().casefold() for p in req.patterns for m in p.finditer(s.text)}
            if not hits or (context is not None and not near(doc, s, context)):
                continue
            key = (-len(hits), len(s.text) < _SHORT_SENTENCE, s.start)
            if best is None or key < best[0]:
                best = (key, s)
        out.append(ClauseFinding(req.id, best is not None, _span(doc, best[1]) if best else None))
    return out
