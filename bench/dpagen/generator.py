"""One synthetic DPA from (index, seed): its facts first, then the text that states them.

The facts are drawn first (processor, sub-processors with seats, locations and transfer tools,
data lists, clauses present or missing) and become the gold record; the text is then written
from phrase files so that it says exactly those facts. Every random choice comes from one
`random.Random` seeded with the seed and the index, so document `i` does not depend on how many
documents are generated (a 1,000-document corpus is a prefix of a 10,000 one).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from bench.dpagen.data import World, world
from bench.dpagen.render import Block, render

FORMATS = ("txt", "md", "html")
# Sub-processor list layouts each format can carry (an HTML page has tables and lists, a text
# file tab tables, Markdown pipe tables and numbered blocks).
LAYOUTS = {
    "txt": ("tab", "kv", "labelled", "dashed", "prose"),
    "md": ("pipe", "kv", "labelled", "dashed", "numbered", "prose"),
    "html": ("table", "kv", "dashed", "prose"),
}
ALL_LAYOUTS = tuple(sorted({layout for layouts in LAYOUTS.values() for layout in layouts} | {"none"}))
TABULAR = {"tab", "pipe", "table"}
DOC_MECHANISMS = (("SCC",), ("SCC", "ADEQUACY"), ("DPF", "SCC"), ("SCC", "BCR"), ("ADEQUACY", "SCC", "BCR"))


@dataclass
class Entry:
    """A sub-processor as the document states it, and what the gold record says about it."""

    name: str
    category: str
    purpose: str
    seat: str | None = None  # ISO code of the stated seat
    address: str | None = None  # as written
    short_seat: str | None = None  # "Dublin, Irland" for parentheses
    locations: list[str] = field(default_factory=list)  # codes, "EU" for an EU statement
    location_text: str | None = None
    mechs: list[str] = field(default_factory=list)  # written on the entry
    foot_mechs: list[str] = field(default_factory=list)  # reaching it through a footnote marker
    marker: str | None = None
    marker_at: str = "location"  # name | location | safeguard
    safeguard: str = ""  # cell text
    scope: str = "none"

    def third(self, w: World) -> bool:
        return any(not w.is_eea(c) for c in [self.seat, *self.locations] if c)

    def gold(self, doc_mechs: list[str]) -> dict:
        if self.mechs:
            mechs, scope = sorted(set(self.mechs) | set(self.foot_mechs)), "entry"
        elif self.foot_mechs:
            mechs, scope = sorted(set(self.foot_mechs)), "footnote"
        elif self.scope == "document":
            mechs, scope = sorted(doc_mechs), "document"
        else:
            mechs, scope = [], "none"
        return {
            "name": self.name,
            "seat_country": self.seat,
            "processing_countries": list(dict.fromkeys(self.locations)),
            "transfer_mechanisms": mechs,
            "mechanism_scope": scope,
            "purpose": self.purpose,
        }


@dataclass
class Generated:
    """A generated document: file name, text, gold record and the choices a test may check."""

    filename: str
    text: str
    gold: dict
    lang: str
    fmt: str
    layout: str
    features: frozenset[str]


def generate(index: int, seed: int = 0, lang: str = "mixed", formats: tuple[str, ...] = FORMATS) -> Generated:
    """Document `index` of the corpus `seed`: the same bytes every time, whatever else is generated."""
    rng = random.Random(f"dpagen/{seed}/{index}")
    lang = rng.choice(("de", "en")) if lang == "mixed" else lang
    if lang not in ("de", "en"):
        raise ValueError(f"language must be de, en or mixed, not {lang!r}")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}: {', '.join(bad) or 'none given'}")
    fmt = rng.choice(formats)
    return _Writer(rng, world(), lang, fmt, index).write()


class _Writer:
    """Draws the facts of one document and writes its text; one instance per document."""

    def __init__(self, rng: random.Random, w: World, lang: str, fmt: str, index: int) -> None:
        self.r, self.w, self.lang, self.fmt, self.index = rng, w, lang, fmt, index
        self.p = w.phrases[lang]
        self.features: set[str] = set()
        self.blocks: list[Block] = []
        self.used_stems: set[str] = set()

    # --- small helpers ---------------------------------------------------------------------

    def pick(self, options):
        return options[self.r.randrange(len(options))]

    def say(self, template: str, **extra) -> str:
        """Fill a phrase template with the document's role terms and the given values."""
        values = {**self.terms, **extra}
        return _fill(template, values)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def country(self, code: str) -> str:
        return "EU" if code == "EU" else self.w.country(code, self.lang, self.r.random())

    def date(self) -> str:
        day, month, year = self.r.randint(1, 28), self.r.randint(1, 12), self.r.choice((2023, 2024, 2025))
        if self.lang == "de":
            return self.pick((f"{day}. {self.p['months'][month - 1]} {year}", f"{day:02d}.{month:02d}.{year}"))
        return self.pick(
            (f"{day} {self.p['months'][month - 1]} {year}", f"{self.p['months'][month - 1]} {day}, {year}")
        )

    # --- organisations and addresses -------------------------------------------------------

    def stem(self) -> str:
        for _ in range(50):
            stem = self.pick(self.w.world["stems"])
            key = stem.split()[0].lower()
            if key not in self.used_stems:
                self.used_stems.add(key)
                return stem
        raise RuntimeError("ran out of company name stems")

    def company(self, code: str, stem: str | None = None) -> str:
        stem = stem or self.stem()
        form = self.pick(self.w.world["legal_forms"][code])
        middle = f" {self.pick(self.w.world['suffixes'])}" if self.chance(0.6) else ""
        comma = "," if form in ("Inc.", "LLC") and self.chance(0.5) else ""
        return f"{stem}{middle}{comma} {form}"

    def address(self, code: str, full: bool, country_word: bool = True) -> tuple[list[str], str]:
        """Address lines of a seat in `code` and the city; the country word may be left out for a
        German address in a German text (the gold convention then still records DE)."""
        shape, where = self.w.world["postcodes"].get(code, ("", "none"))
        states = self.w.world["states"].get(code, {})
        cities = [c for c in self.w.cities[code][self.lang] if c in states] if where == "state" else []
        city = self.pick(cities or self.w.cities[code][self.lang])
        state = states.get(city)
        if where == "state" and not state:
            where = "none"
        code_text = "".join(
            str(self.r.randint(0, 9)) if ch == "#" else self.r.choice("ABCDEFGHKLMNPRSTVWXY") if ch == "A" else ch
            for ch in shape
        )
        if where == "before":
            city_line = f"{code_text} {city}"
        elif where == "after":
            city_line = f"{city} {code_text}"
        elif where == "state":
            city_line = f"{city}, {state} {code_text}" if code != "AU" else f"{city} {state} {code_text}"
        else:
            city_line = city
        lines = [city_line] if not full else [self.street(code), city_line]
        if country_word:
            lines.append(self.country(code))
        return lines, city

    def street(self, code: str) -> str:
        geo = self.w.world
        group, number_first = geo["street_groups"].get(code, ["en", True])
        name, number = self.pick(geo["streets"][group]), self.r.randint(1, 240)
        return f"{number} {name}" if number_first else f"{name} {number}"

    # --- the document -------------------------------------------------------------------------

    def write(self) -> Generated:
        p, w = self.p, self.w
        self.terms = dict(self.pick(p["roles"]))
        proc_country = self.pick(w.world["seats"]["processor_de" if self.lang == "de" else "processor_en"])
        stem = self.stem()
        self.proc_name = self.company(proc_country, stem)
        self.service = f"{stem} {self.pick(w.world['products'])}"
        subs_term = self.pick(p["sub_terms"])
        self.terms.update(
            short=stem,
            proc=self.proc_name,
            service=self.service,
            kind=self.pick(w.world[f"service_kinds_{self.lang}"]),
            subs=subs_term,
            Subs_title=subs_term[0].upper() + subs_term[1:],
            annex=self.pick(p["annex_names"]),
        )
        for key in ("Proc", "proc_term", "proc_word"):
            if key in self.terms:
                self.terms[key] = _fill(self.terms[key], {"short": stem})
        self.layout = "none" if self.chance(0.04) else self.pick(LAYOUTS[self.fmt])
        self.features.add(f"layout:{self.layout}")
        self.draw_facts(proc_country)
        self.write_text()
        text = render(self.blocks, self.fmt, self.lang, self.html_values())
        ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
        stem_name = f"{self.index:06d}_{slug}_{self.lang}"
        return Generated(
            f"{stem_name}.{self.fmt}",
            text,
            self.gold(stem_name),
            self.lang,
            self.fmt,
            self.layout,
            frozenset(self.features),
        )

    def draw_facts(self, proc_country: str) -> None:
        r, w = self.r, self.w
        # processor address: none at all in some texts (then its country is unknown)
        self.proc_address: list[str] | None = None
        self.proc_country: str | None = None
        if self.chance(0.85):
            keep_word = not (proc_country == "DE" and self.lang == "de" and self.chance(0.4))
            self.proc_address, self.proc_city = self.address(proc_country, True, keep_word)
            self.proc_country = proc_country
        else:
            self.proc_city = self.pick(w.cities[proc_country][self.lang])
            self.features.add("processor:no-address")
        # clauses present, missing or vague
        self.breach_hours, self.breach_mode = (
            None,
            self.pick(("hours", "hours", "hours", "days", "vague", "vague", "absent")),
        )
        if self.breach_mode == "hours":
            self.breach_hours = self.pick((12, 24, 24, 36, 48, 48, 72, 72))
        elif self.breach_mode == "days":
            self.breach_days = self.pick((1, 2, 3))
            self.breach_hours = self.breach_days * 24
        self.features.add(f"breach:{self.breach_mode}")
        self.objection_days = self.pick((7, 14, 14, 21, 30, 30)) if self.chance(0.55) else None
        self.objection_mode = "days" if self.objection_days else self.pick(("vague", "absent"))
        self.law = (
            self.pick(("DE", "DE", "other", "absent"))
            if self.lang == "de"
            else self.pick(("DE", "other", "other", "absent"))
        )
        self.special = self.pick((False, False, True, None, None, None))
        self.features.update({f"law:{self.law}", f"special:{self.special}"})
        self.categories = self.draw_categories()
        self.subjects = [self.label(c) for c in r.sample(w.subjects, r.randint(2, 5))]
        self.entries = [] if self.layout == "none" else self.draw_entries()
        third = any(e.third(w) for e in self.entries)
        self.doc_mechs: list[str] = []
        self.transfer_mode = "absent"
        if self.chance(0.7 if third else 0.35):
            self.transfer_mode = "clause"
            self.doc_mechs = list(self.pick(DOC_MECHANISMS))
        elif not third and self.chance(0.5):
            self.transfer_mode = "eu-only"
        self.features.add(f"transfers:{self.transfer_mode}")
        self.assign_mechanisms()

    def label(self, concept) -> str:
        return concept.labels[self.lang]

    def draw_categories(self) -> list[str]:
        r = self.r
        chosen = r.sample(self.w.categories, r.randint(3, 8))
        items = []
        for concept in chosen:
            text = self.label(concept)
            examples = concept.examples[self.lang]
            if examples and self.chance(0.6):
                text += " (" + ", ".join(r.sample(examples, min(len(examples), r.randint(1, 3)))) + ")"
            items.append(text)
        if self.special:
            concept = self.pick(self.w.special)
            self.special_label = self.label(concept)
            items.insert(r.randint(0, len(items)), self.special_label)
        return items

    def draw_entries(self) -> list[Entry]:
        r, w, p = self.r, self.w, self.p
        self.addr_style = (
            self.pick(("full", "full", "city", "country", "none"))
            if self.layout != "prose"
            else self.pick(("city", "country", "none"))
        )
        if self.layout in ("labelled", "dashed") and self.addr_style == "full":
            self.addr_style = "city"
        self.show_location = self.chance(0.75)
        self.show_safeguard = self.layout != "prose" and self.chance(0.7)
        self.features.add(f"address:{self.addr_style}")
        entries: list[Entry] = []
        known = list(w.known)
        brands: set[str] = set()
        # a prose list names a few providers in the sub-processor section; longer lists are tables
        count = r.randint(2, 4) if self.layout == "prose" else r.randint(2, 9)
        for _ in range(count):
            if self.chance(0.5):
                org = self.pick(known)
                brand = org.name.split()[0].lower().strip(",.")
                if brand in brands or brand in self.used_stems:
                    continue
                brands.add(brand)
                name, seat, category = org.name, org.seat, org.category
                full = False
            else:
                seat = self.pick(w.world["seats"]["eu" if self.chance(0.65) else "third"])
                name = self.company(seat)
                brands.add(name.split()[0].lower())
                category = self.pick(sorted(p["purposes"]))
                full = True
            entry = Entry(name=name, category=category, purpose=self.pick(p["purposes"][category]))
            self.place(entry, seat, full)
            entries.append(entry)
        return entries

    def place(self, e: Entry, seat: str, full: bool) -> None:
        """Seat as written (by the document's address style) and the stated processing locations."""
        w = self.w
        style = self.addr_style
        if style != "none":
            keep_word = not (seat == "DE" and self.lang == "de" and style == "full" and self.chance(0.3))
            if style == "country":
                lines = [self.country(seat)]
                e.short_seat = lines[0]
            else:
                lines, city = self.address(seat, full and style == "full", keep_word)
                e.short_seat = f"{city}, {self.country(seat)}"
            e.address = ", ".join(lines)
            e.seat = seat
        if not self.show_location:
            return
        roll = self.r.random()
        if roll < 0.4:
            e.locations = [seat]
        elif roll < 0.55:
            e.locations = ["EU"]
        elif roll < 0.7 and w.is_eea(seat):
            e.locations = [seat, "US"]
        elif roll < 0.85:
            e.locations = [self.pick(("DE", "IE", "NL", "FR"))]
        else:
            code = self.pick(sorted(c for c in w.regions if c in w.cities))
            e.locations = [code]
            e.location_text = self.pick(w.regions[code][self.lang])
            self.features.add("location:cloud-region")
            return
        e.location_text = ", ".join(self.country(c) for c in e.locations)
        if e.seat and e.locations != [e.seat]:
            self.features.add("location:differs-from-seat")

    def assign_mechanisms(self) -> None:
        w = self.w
        markers = list(self.pick(self.p["markers"]))
        footnotes: dict[tuple[str, ...], str] = {}
        self.footnotes: list[tuple[str, str]] = []
        can_mark = self.layout not in ("prose", "none")
        for e in self.entries:
            if not e.third(w):
                e.safeguard = self.pick(self.p["mechanism"]["none"]) if self.chance(0.8) else ""
                if can_mark and self.chance(0.08) and markers:
                    e.marker, e.marker_at = markers.pop(0), "name"
                    self.footnotes.append((e.marker, self.say(self.pick(self.p["footnote"]["other"]))))
                    self.features.add("footnote:other")
                continue
            code = next(c for c in [e.seat, *e.locations] if c and not w.is_eea(c))
            mechs = list(self.pick(w.world["mechanisms_for"].get(code, [["SCC"]])))
            modes = ["entry", "entry", "footnote", "document" if self.doc_mechs else "none"]
            if not can_mark:
                modes.remove("footnote")
            if not self.show_safeguard and self.layout != "prose":
                modes = [m for m in modes if m != "entry"] or ["none"]
            mode = self.pick(modes)
            if mode == "footnote" and not markers:
                mode = "document" if self.doc_mechs else "none"
            self.features.add(f"mechanism:{mode}")
            if mode == "entry":
                e.mechs = mechs
                e.safeguard = self.mech_text(mechs)
            elif mode == "footnote":
                key = tuple(mechs)
                if key not in footnotes:
                    footnotes[key] = markers.pop(0)
                    self.footnotes.append((footnotes[key], self.footnote_text(mechs)))
                e.foot_mechs, e.marker = mechs, footnotes[key]
                e.marker_at = (
                    self.pick(("location", "safeguard", "name")) if e.location_text or self.show_safeguard else "name"
                )
                if e.marker_at == "location" and not e.location_text:
                    e.marker_at = "safeguard" if self.show_safeguard else "name"
                if e.marker_at == "safeguard" and not self.show_safeguard:
                    e.marker_at = "name"
                e.safeguard = e.marker if e.marker_at == "safeguard" else ""
            elif mode == "document":
                e.scope = "document"

    def mech_text(self, mechs: list[str]) -> str:
        joiner = " und " if self.lang == "de" else " and "
        return joiner.join(self.pick(self.p["mechanism"][m]) for m in mechs)

    def footnote_text(self, mechs: list[str]) -> str:
        table = self.p["footnote"]["mech_akk"]
        joiner = " sowie " if self.lang == "de" else " and the "
        akk = joiner.join(table[m] for m in mechs)
        gen = " sowie ".join(self.p["mechanism_gen"][m] for m in mechs) if self.lang == "de" else akk
        return self.say(self.pick(self.p["footnote"]["texts"]), mechs_akk=akk, mechs_gen=gen)

    # --- text ---------------------------------------------------------------------------------

    def write_text(self) -> None:
        p, r = self.p, self.r
        self.blocks.append(Block("title", self.say(self.pick(p["titles"]))))
        subtitle = self.pick(p["subtitles"])
        if subtitle:
            self.blocks.append(
                Block("meta", self.say(subtitle, date=self.date(), version=f"{r.randint(1, 5)}.{r.randint(0, 9)}"))
            )
        self.write_parties()
        self.heading_style = self.pick(p["heading_styles"])
        self.para_style = self.pick(p["paragraph_styles"])
        self.inline_list = self.layout == "prose" or (self.layout != "none" and self.chance(0.3))
        order = list(self.pick(list(self.w.world["orders"].values())))
        number = 0
        for key in order:
            paragraphs = self.section(key)
            if paragraphs is None:
                continue
            number += 1
            title = self.say(self.pick(p["headings"][key]))
            self.blocks.append(Block("h", _heading(self.heading_style, number, title)))
            k = 0
            for item in paragraphs:
                if isinstance(item, Block):
                    self.blocks.append(item)
                    continue
                k += 1
                label = chr(ord("A") + number - 1) if "{L}" in self.heading_style else number
                prefix = self.para_style.format(n=label, k=k) if len(paragraphs) > 1 else ""
                self.blocks.append(Block("p", prefix + item))
        if self.chance(0.4):
            self.blocks.append(Block("annex", self.pick(p["tom_annex_heading"])))
            self.blocks.append(
                Block(
                    "list",
                    items=list(r.sample(p["tom_items"], r.randint(3, len(p["tom_items"])))),
                    style=self.pick(("- ", "• ")),
                )
            )
        if self.entries and not self.inline_list:
            self.blocks.append(Block("annex", self.say(self.pick(p["annex_heading"]))))
            self.write_list()
        if self.chance(0.5):
            self.blocks.append(Block("footer", " · ".join([self.proc_name, *(self.proc_address or [self.proc_city])])))

    def write_parties(self) -> None:
        p = self.p
        addr = self.proc_address
        if self.chance(0.5):
            comma = f", {', '.join(addr)}" if addr else ""
            self.blocks.append(Block("p", self.say(self.pick(p["parties_inline"]), addr_comma=comma)))
            self.features.add("parties:inline")
            return
        self.features.add("parties:block")
        intro = self.pick(p["parties_block_intro"])
        if intro:
            self.blocks.append(Block("p", intro))
        self.blocks.append(Block("p", self.say(self.pick(p["parties_block_ag"]))))
        lines = [self.say(self.pick(p["parties_block_an"])), self.proc_name, *(addr or [])]
        if self.chance(0.4):
            lines = lines[1:] + [self.say(self.pick(p["parties_marker_after"]))]
        self.blocks.append(Block("lines", items=lines))

    def section(self, key: str) -> list | None:
        """The paragraphs of one body section, or None when the document leaves it out."""
        p, b = self.p, self.p["body"]
        if key == "subject":
            return [self.say(self.pick(b["subject"])), self.say(self.pick(b["duration"]))]
        if key == "data":
            return self.data_section()
        if key in ("instructions", "confidentiality", "security", "audits"):
            return [self.say(self.pick(b[key]))]
        if key == "rights":
            out = [self.say(self.pick(b["rights"]))]
            if self.chance(0.8):
                out.append(self.say(self.pick(b["assist"])))
            return out
        if key == "deletion":
            return [self.say(self.pick(b["deletion"]))] if self.chance(0.85) else None
        if key == "subprocessors":
            return self.sub_section()
        if key == "transfers":
            if self.transfer_mode == "clause":
                return [self.transfer_clause()]
            if self.transfer_mode == "eu-only":
                return [self.say(self.pick(p["transfer_clause"]["eu_only"]))]
            return None
        if key == "breach":
            return self.breach_section()
        if key == "final":
            return self.final_section()
        raise KeyError(key)

    def data_section(self) -> list:
        p, r = self.p, self.r
        out: list = []
        style = self.pick(("- ", "• ", "a) ", "1. ", "* " if self.fmt == "md" else "- "))
        if self.chance(0.15) and not any("(" in c or "," in c for c in self.categories):
            out.append(f"{self.pick(p['categories_key'])}: {'; '.join(self.categories)}")
            self.features.add("categories:inline")
        else:
            out.append(self.say(self.pick(p["categories_intro"])))
            out.append(Block("list", items=self.categories, style=style))
        if self.special is not None:
            label = getattr(self, "special_label", "")
            what = label if self.lang == "de" else label.lower()
            out.append(self.say(self.pick(p["special_true" if self.special else "special_false"]), what=what))
        simple = all(not re.search(r",|\(| und | and | oder | or | sowie ", s) for s in self.subjects)
        roll = r.random()
        if simple and roll < 0.25:
            items = self.subjects if self.lang == "de" else [_lower_first(s) for s in self.subjects]
            self.subjects = items
            joined = ", ".join(items[:-1]) + self.pick(p["list_and"]) + items[-1]
            out.append(self.say(self.pick(p["subjects_prose"]), items=joined))
            self.features.add("subjects:prose")
        elif roll < 0.4:
            out.append(f"{self.pick(p['subjects_key'])}: {'; '.join(self.subjects)}")
            self.features.add("subjects:inline")
        else:
            out.append(self.say(self.pick(p["subjects_intro"])))
            out.append(Block("list", items=self.subjects, style=style))
        return out

    def sub_section(self) -> list:
        p = self.p
        if not self.entries:
            return [self.say(self.pick(p["no_subprocessors"]))]
        out: list = [self.say(self.pick(p["sub_authorisation"]))]
        if self.objection_mode == "days":
            days = self.objection_days
            words = self.p.get("number_words", {})
            out.append(self.say(self.pick(p["objection"]), days=days, days_word=words.get(str(days), str(days))))
        elif self.objection_mode == "vague":
            out.append(self.say(self.pick(p["objection_none"])))
        if self.chance(0.6):
            out.append(self.say(self.pick(p["sub_flowdown"])))
        if self.inline_list:
            out.append(self.say(self.pick(p["sub_intro_inline"])))
            saved, self.blocks = self.blocks, []
            self.write_list()
            out.extend(self.blocks)
            self.blocks = saved
        if self.chance(0.4):
            out.append(self.say(self.pick(p["not_subprocessors"])))
        return out

    def transfer_clause(self) -> str:
        tc = self.p["transfer_clause"]
        names = [tc["mech_list"][m] for m in self.doc_mechs]
        gens = [tc["mech_gen_list"][m] for m in self.doc_mechs]
        return self.say(
            self.pick(tc["texts"]), mechs=_join_or(names, tc["or_word"]), mechs_gen_list=_join_or(gens, tc["or_word"])
        )

    def breach_section(self) -> list | None:
        p = self.p["breach"]
        if self.breach_mode == "absent":
            return None
        words = self.p.get("number_words", {})
        if self.breach_mode == "hours":
            n = self.breach_hours
            text = self.say(self.pick(p["hours"]), n=n, n_word=words.get(str(n), str(n)))
        elif self.breach_mode == "days":
            text = self.say(self.pick(p["days"]), n=self.breach_days)
        else:
            text = self.say(self.pick(p["vague"]))
            if self.chance(0.3):
                text += self.say(self.pick(p["controller_deadline"]))
                self.features.add("breach:controller-72h")
        out = [text]
        if self.chance(0.7):
            out.append(self.say(self.pick(p["content"])))
        return out

    def final_section(self) -> list:
        p, b = self.p, self.p["body"]
        out = [self.say(s) for s in self.r.sample(b["final_other"], self.r.randint(1, 2))]
        if self.law == "DE":
            out.insert(0, self.say(self.pick(p["law_de"])))
        elif self.law == "other":
            code = self.pick(("IE", "AT", "FR", "LU", "SE", "DK", "FI", "BE", "ES", "IT"))
            out.insert(0, self.say(self.pick(p["law_other"]), country_name=self.w.country(code, self.lang)))
        if self.chance(0.5):
            out.append(self.say(self.pick(p["venue"]), city=self.proc_city))
        return out

    # --- the sub-processor list -----------------------------------------------------------------

    def write_list(self) -> None:
        p, f = self.p, self.p["fields"]
        layout = self.layout
        entries = self.entries
        show_addr = self.addr_style != "none"
        if layout in TABULAR:
            header = [self.pick(f["name"])]
            header += [self.pick(f["address"])] if show_addr else []
            header.append(self.pick(f["purpose"]))
            header += [self.pick(f["location"])] if self.show_location else []
            header += [self.pick(f["safeguard"])] if self.show_safeguard else []
            rows = []
            for e in entries:
                row = [self.marked(e, "name", e.name)]
                row += [e.address or ""] if show_addr else []
                row.append(e.purpose)
                row += [self.marked(e, "location", e.location_text or "")] if self.show_location else []
                row += [e.safeguard] if self.show_safeguard else []
                rows.append(row)
            self.blocks.append(Block("table", items=rows, header=header))
        elif layout == "kv":
            labels = {k: self.pick(f[k]) for k in ("name", "address", "purpose", "location", "safeguard")}
            groups = []
            for e in entries:
                pairs = [(labels["name"], self.marked(e, "name", e.name))]
                if show_addr and e.address:
                    pairs.append((labels["address"], e.address))
                pairs.append((labels["purpose"], e.purpose))
                if self.show_location and e.location_text:
                    pairs.append((labels["location"], self.marked(e, "location", e.location_text)))
                if self.show_safeguard and e.safeguard:
                    pairs.append((labels["safeguard"], e.safeguard))
                groups.append(pairs)
            self.blocks.append(Block("kv", items=groups))
        elif layout == "labelled":
            labels = {k: self.pick(f[k]) for k in ("name", "purpose", "location", "safeguard")}
            items = []
            for e in entries:
                seat = f" ({e.short_seat})" if e.short_seat else ""
                parts = [
                    f"{labels['name']}: {self.marked(e, 'name', e.name)}{seat}",
                    f"{labels['purpose']}: {e.purpose}",
                ]
                if self.show_location and e.location_text:
                    parts.append(f"{labels['location']}: {self.marked(e, 'location', e.location_text)}")
                if self.show_safeguard and e.safeguard:
                    parts.append(f"{labels['safeguard']}: {e.safeguard}")
                items.append("; ".join(parts))
            self.blocks.append(
                Block("list", items=items, style=self.pick(("- ", "• ", "* " if self.fmt == "md" else "- ")))
            )
        elif layout == "dashed":
            items = []
            for e in entries:
                seat = f" ({e.short_seat})" if e.short_seat else ""
                parts = [f"{self.marked(e, 'name', e.name)}{seat}", e.purpose]
                if self.show_location and e.location_text:
                    parts.append(self.marked(e, "location", e.location_text))
                if self.show_safeguard and e.safeguard:
                    parts.append(e.safeguard)
                items.append(" – ".join(parts))
            self.blocks.append(Block("list", items=items, style=self.pick(("- ", "• "))))
        elif layout == "numbered":
            labels = {k: self.pick(f[k]) for k in ("purpose", "location", "safeguard")}
            groups = []
            for e in entries:
                head = f"**{self.marked(e, 'name', e.name)}**" + (f", {e.address}" if e.address else "")
                rest = [f"{labels['purpose']}: {e.purpose}"]
                if self.show_location and e.location_text:
                    rest.append(f"{labels['location']}: {self.marked(e, 'location', e.location_text)}")
                if self.show_safeguard and e.safeguard:
                    rest.append(f"{labels['safeguard']}: {e.safeguard}")
                groups.append((head, rest))
            self.blocks.append(Block("numbered", items=groups))
        elif layout == "prose":
            pr = self.p["prose"]
            sentences = []
            for e in entries:
                seat = f" ({e.short_seat})" if e.short_seat else ""
                loc = self.say(self.pick(pr["location"]), loc=e.location_text) if e.location_text else ""
                mech = ""
                if e.mechs:
                    plain = (" und " if self.lang == "de" else " and the ").join(
                        self.p["mechanism_gen"][m] for m in e.mechs
                    )
                    akk = (" sowie " if self.lang == "de" else " and the ").join(
                        self.p["footnote"]["mech_akk"][m] for m in e.mechs
                    )
                    mech = self.say(self.pick(pr["mech"]), mech_gen=plain, mech_akk=akk, mech_plain=plain)
                sentences.append(
                    self.say(self.pick(pr["sentences"]), name=e.name, seat=seat, purpose=e.purpose, loc=loc, mech=mech)
                )
            self.blocks.append(Block("p", " ".join(sentences)))
        for marker, text in self.footnotes:
            self.blocks.append(Block("p", f"{marker} {text}"))
        stamp = self.pick(p["list_date"])
        if stamp:
            self.blocks.append(Block("p", self.say(stamp, date=self.date())))

    def marked(self, e: Entry, where: str, text: str) -> str:
        return f"{text}{e.marker}" if e.marker and e.marker_at == where else text

    # --- gold ---------------------------------------------------------------------------------

    def gold(self, stem: str) -> dict:
        breach_text = None
        for block in self.blocks:
            if block.kind == "p" and self.breach_mode != "absent":
                found = _breach_phrase(block.text, self.lang)
                if found:
                    breach_text = found
                    break
        layout_note = f"layout {self.layout}, format {self.fmt}"
        return {
            "document": stem,
            "source": "synthetic",
            "language": self.lang,
            "processor": {"name": self.proc_name, "country": self.proc_country, "service": self.service},
            "subprocessors": [e.gold(self.doc_mechs) for e in self.entries],
            "data_categories_verbatim": list(self.categories),
            "data_subjects_verbatim": list(self.subjects),
            "special_categories_processed": self.special,
            "breach_notification_hours": self.breach_hours,
            "breach_notification_text": breach_text,
            "subprocessor_objection_days": self.objection_days,
            "governing_law": "DE" if self.law == "DE" else None,
            "notes": f"Synthetic DPA written by bench.dpagen ({layout_note}; features: {', '.join(sorted(self.features))}). "
            "Fictional companies; well-known sub-processors are named with their registered seat from the project registry.",
        }

    def html_values(self) -> dict:
        return {"brand": self.terms["short"], "proc": self.proc_name, "title": self.blocks[0].text, "year": "2025"}


_BREACH = {
    "de": re.compile(r"(?:unverzüglich|ohne schuldhaftes Zögern|binnen|innerhalb von|spätestens)[^.;]*"),
    "en": re.compile(r"(?:without undue delay|within|no later than|promptly)[^.;]*"),
}


def _breach_phrase(text: str, lang: str) -> str | None:
    if not re.search(r"Verletzung des Schutzes|Datenschutzverletzung|personal data breach|Security Incident", text):
        return None
    m = _BREACH[lang].search(text)
    return m.group(0).strip() if m else None


def _fill(template: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def _heading(style: str, number: int, title: str) -> str:
    letter = chr(ord("A") + number - 1)
    return style.replace("{n}", str(number)).replace("{L}", letter).replace("{t}", title).replace("{T}", title.upper())


def _join_or(items: list[str], or_word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + or_word + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
