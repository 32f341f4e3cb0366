"""Who an article credits: the attribution header that opens a line ("لندن : رويترز", "سبق- الرياض:",
"عبدالرحمن جمال - جدة"), a bare agency line ("واس") or an agency closing a paragraph ("(واس)").

A header is read as a run of short segments split by dashes, colons, commas, slashes, parentheses
and «quotes». Each segment is classified, in this order: a quoted «name» is a publication; "من"
and a place, or a place, is the city (a place's name never names a publisher unless quoted); an
agency marker; words crediting unnamed agencies (وكالات); a publisher's marker; a section name or
a word for the kind of piece (never a city, never a person); two to four name-like words are a
person. The first segment that is none of these ends the header: the rest is body text. A header
must credit something (an agency, a publisher, unnamed agencies, a person with a city or
publisher) to be an attribution; a city alone is a dateline with no credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from provenance.parsing.outlets import Registry
from provenance.parsing.places import Gazetteer
from provenance.parsing.textnorm import normalize_key

HEAD_CHARS = 200  # an attribution header is short: never scan further into a paragraph
MAX_SEGMENTS = 7
CREDIT_CHARS = 60  # a line of its own naming an agency ("واس", "(أ ف ب)") is short
MAX_NAME_WORDS = 4
_OPEN = {"(": ")", "«": "»", "[": "]"}
_BREAK = '-–—:،,/|()«»[]"“”؛;'
# A full stop ends a segment only when a space or the end follows ("سبوتنيك. وقال"); inside "أ.ف.ب" it does not.
_SEGMENT = re.compile(rf"[^{re.escape(_BREAK)}.]*(?:\.(?!\s|$)[^{re.escape(_BREAK)}.]*)*")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")
_FROM = "من "
_DIGIT = re.compile(r"\d")
_DIGITS_ONLY = re.compile(r"[\d ]{1,10}")
# A city, then the day and (optionally) the month of a wire stamp: "بكين 13 مارس", "الدوحة في 16 مارس".
_CITY_DATE = re.compile(r"(?P<city>[^\d]+?) (?:في )?\d{1,2}(?: [^\d ]+){0,2}")
_NAMES_TOO = frozenset({"علي"})
_HONORIFICS = frozenset(
    {"د", "م", "أ", "ا", "أ.د", "Dr"}
)  # abbreviated titles before a name  # names whose key equals a function word's

Part = Literal["city", "agency", "wire", "publisher", "section", "report", "date", "person", "unknown"]
#: Parts that neither credit nor place: skipped when judging a header.
_NEUTRAL = frozenset({"section", "report", "date"})


@dataclass(frozen=True, slots=True)
class _Segment:
    part: Part
    text: str  # as written, stripped
    ids: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Attribution:
    """What a header credits. `publishers` may hold several ids: the marker is then ambiguous."""

    text: str  # the header as found
    city: str | None = None
    countries: tuple[str, ...] = ()  # the city's countries, to settle an ambiguous publisher
    agency: str | None = None
    agency_name: str | None = None
    publishers: tuple[str, ...] = ()
    publisher_name: str | None = None
    wire: bool = False  # unnamed agencies ("وكالات")
    byline: str | None = None
    whole_line: bool = False
    sections: tuple[str, ...] = field(default=())

    @property
    def credits(self) -> bool:
        """Whether the header attributes the article (a city alone does not)."""
        return bool(self.agency or self.publishers or self.publisher_name or self.wire or self.byline)

    @property
    def kind(self) -> str:
        """source_kind of this attribution: an agency's bare credit, a byline (the publisher's own
        reporter), or a dateline."""
        if self.agency and not (self.city or self.byline or self.wire):
            return "agency"  # "واس", "(واس)", "الوئام - رويترز:": an agency credited, no dateline
        if self.byline and not (self.agency or self.wire):
            return "byline"
        return "dateline"


class Reader:
    """Reads attribution headers with one registry and one gazetteer."""

    def __init__(self, registry: Registry, gazetteer: Gazetteer) -> None:
        self.registry, self.gazetteer = registry, gazetteer
        self.agencies = frozenset(o.id for o in registry.outlets.values() if o.kind == "agency")

    # --- segments -------------------------------------------------------------------------------
    def _classify(self, text: str, *, quoted: bool) -> _Segment | None:
        key = normalize_key(text)
        words = key.split()
        if not key or len(words) > MAX_NAME_WORDS + 1:
            return None
        if quoted:
            return self._quoted(text, key)
        if _DIGIT.search(key):
            return self._dated(text, key)
        g = self.gazetteer
        if key.startswith(_FROM) and g.is_place(key[len(_FROM) :]):
            return _Segment("city", text[text.index(" ") + 1 :].strip(), countries=g.countries(key[len(_FROM) :]))
        if g.is_place(key):
            return _Segment("city", text, countries=g.countries(key))
        marked = self.registry.by_marker(key)
        agency = next((i for i in marked if i in self.agencies), None)
        if agency:
            return _Segment("agency", text, (agency,))
        if g.is_wire_word(key):
            return _Segment("wire", text)
        if marked:
            return _Segment("publisher", text, marked)
        if g.is_section(key):
            return _Segment("section", text)
        if g.is_report_word(key) or (len(words) == 2 and g.is_report_word(words[0])):
            return _Segment("report", text)
        if len(words) > MAX_NAME_WORDS or not self._name_like(text):
            return None
        return _Segment("person" if len(words) >= 2 else "unknown", text)

    def _from_place(self, raw: str) -> list[_Segment] | None:
        """A publisher "من" a place, unquoted ("الاقتصادية من دبي"): two segments, or None."""
        if " من " not in raw:
            return None
        left, _, right = raw.rpartition(" من ")
        place, name = normalize_key(right), normalize_key(left)
        if not self.gazetteer.is_place(place):
            return None
        ids = tuple(i for i in (self.registry.by_marker(name) or self.registry.by_name(name)) if i not in self.agencies)
        if not ids:
            return None
        return [
            _Segment("publisher", left.strip(), ids),
            _Segment("city", right.strip(), countries=self.gazetteer.countries(place)),
        ]

    def _glued_agency(self, head: str, pos: int, end: int) -> tuple[_Segment | None, int]:
        """An agency right after a city with no punctuation before the body ("دمشق-سانا أطلقت")."""
        words = head[pos:end].split(maxsplit=3)
        for count in (3, 2, 1):
            if len(words) <= count:
                continue
            prefix = " ".join(words[:count])
            agency = next((i for i in self.registry.by_marker(normalize_key(prefix)) if i in self.agencies), None)
            if agency:
                return _Segment("agency", prefix, (agency,)), head.index(words[count - 1], pos) + len(words[count - 1])
        return None, end

    def _second_place(self, segment: _Segment) -> _Segment:
        """A place named after the header's city: an outlet of that name if there is one."""
        marked = self.registry.by_marker(normalize_key(segment.text))
        agency = next((i for i in marked if i in self.agencies), None)
        if agency:
            return _Segment("agency", segment.text, (agency,))
        return _Segment("publisher", segment.text, marked) if marked else segment

    def _dated(self, text: str, key: str) -> _Segment | None:
        """A wire stamp's date: alone ("14", "3") or after the city ("بكين 13 مارس", "أبوظبي في 15 مارس")."""
        if _DIGITS_ONLY.fullmatch(key):
            return _Segment("date", text)
        match = _CITY_DATE.fullmatch(key)
        if match is None or not self.gazetteer.is_place(match["city"]):
            return None
        city = " ".join(text.split()[: len(match["city"].split())])
        return _Segment("city", city, countries=self.gazetteer.countries(match["city"]))

    def _quoted(self, text: str, key: str) -> _Segment | None:
        """A «quoted» name: a publication (or an agency, or a place) by any of its names."""
        ids = self.registry.by_name(key)
        publishers = tuple(i for i in ids if i not in self.agencies)
        agency = next((i for i in ids if i in self.agencies), None)
        if agency and not publishers:
            return _Segment("agency", text, (agency,), quoted=True)
        if self.gazetteer.is_place(key) and not ids:
            return _Segment("city", text, countries=self.gazetteer.countries(key), quoted=True)
        if len(key.split()) <= MAX_NAME_WORDS and self._name_like(text):
            return _Segment("publisher", text, publishers, quoted=True)
        return None

    def _name_like(self, text: str) -> bool:
        """Words that may make a name: letters only, none a verb or function word."""
        words = text.split()
        for word in words:
            bare = word.strip(".")
            if bare in _HONORIFICS and len(words) > 1:
                continue  # "د. هند الراشد"
            if not _NAME_WORD.fullmatch(bare):
                return False
            # "على" folds to "علي": a name, not the preposition, when written with ي.
            if self.gazetteer.is_not_name(normalize_key(bare)) and bare not in _NAMES_TOO:
                return False
        return True

    def _segments(self, head: str) -> tuple[list[_Segment], list[int]]:
        """Classified segments from the start of `head`, with the end offset of each, up to the first
        that is not a header segment."""
        found: list[_Segment] = []
        ends: list[int] = []
        pos = 0
        while len(found) < MAX_SEGMENTS:
            start = pos
            while pos < len(head) and (head[pos].isspace() or head[pos] in "-–—:،,/|؛;.)»]"):
                pos += 1
            if pos >= len(head) or (found and "." in head[start:pos]):
                break  # a full stop closes the header: "لندن - سبوتنيك. وقال ..."
            closing = _OPEN.get(head[pos])
            if closing is not None:
                stop = head.find(closing, pos + 1)
                if stop < 0 or stop - pos > 60:
                    break
                segment = self._classify(head[pos + 1 : stop].strip(), quoted=head[pos] == "«")
                end = stop + 1
            else:
                match = _SEGMENT.match(head, pos)
                end = match.end() if match else pos
                if end == pos:
                    break
                raw = head[pos:end].strip()
                if (pair := self._from_place(raw)) is not None:  # "الاقتصادية من دبي"
                    found.extend(pair)
                    ends.extend([end, end])
                    pos = end
                    continue
                # The common case, body text: a clause of many words ends the header before any lookup.
                segment = None if raw.count(" ") > 2 * MAX_NAME_WORDS else self._classify(raw, quoted=False)
                if segment is None and found and found[-1].part == "city":
                    segment, end = self._glued_agency(head, pos, end)  # "دمشق-سانا أطلقت ..."
            if segment is None:
                break
            if segment.part == "city" and any(f.part == "city" for f in found):
                segment = self._second_place(segment)  # "الدوحة - قنا": after a city, قنا is QNA, not Qena
            found.append(segment)
            ends.append(end)
            pos = end
        return found, ends

    # --- headers --------------------------------------------------------------------------------
    def header(self, line: str) -> Attribution | None:
        """The attribution (or city-only dateline) opening `line`, or None."""
        stripped = line.strip()
        # Read a copy where a tatweel standing for a dash is one ("الدوحة ـ قنا") and a title's dot is a
        # space ("د. هند"): the same length, so every offset holds in the line as found.
        head = stripped[:HEAD_CHARS]
        if "\u0640" in head:
            head = _TATWEEL_DASH.sub(lambda m: "-" * len(m.group()), head)
        if "." in head:
            head = _TITLE_DOT.sub(" ", head)
        segments, ends = self._segments(head)
        if head != stripped[:HEAD_CHARS]:  # each text as written, from the same offsets
            segments = [_as_written(segment, head, stripped) for segment in segments]
        # Trim from the end what cannot close a header: a person or unknown word followed by body
        # text (it may be the lede's subject), a trailing section or report word.
        while segments:
            rest = stripped[ends[len(segments) - 1] :].strip()
            last = segments[-1]
            if last.part in ("person", "unknown") and rest and not _ends_header(stripped, ends[len(segments) - 1]):
                segments.pop()
                continue
            break
        if not segments:
            return None
        parts = [s.part for s in segments]
        credited = {"agency", "wire", "publisher"} & set(parts)
        _infer_city(segments, parts)
        if "unknown" in parts:
            return None
        has_city = "city" in parts
        if any(s.part == "publisher" and not s.ids for s in segments) and not has_city:
            return None  # a «quoted» name the registry lacks is a publication only beside a city
        if "person" in parts and not (has_city or credited):
            whole = ends[-1] >= len(stripped.rstrip(" :-–—.،"))
            if not whole or len(segments) < 2:
                return None  # a name alone, or a name and a report word in a line of body text
        if not (credited or has_city or "person" in parts):
            return None
        end = ends[-1]
        whole = not stripped[end:].strip(" -–—:،,.")
        if parts == ["publisher"] and not (segments[0].quoted or whole):
            return None  # a bare name opening a paragraph ("عاجل: ...") may be a word of the lede
        closer = _CLOSER.match(stripped, end)
        text = stripped[: closer.end() if closer else end].strip()
        return self._attribution(segments, text=text, whole=whole)

    def _attribution(self, segments: list[_Segment], *, text: str, whole: bool) -> Attribution:
        city = next((s for s in segments if s.part == "city"), None)
        agency = next((s for s in segments if s.part == "agency"), None)
        publisher = next((s for s in segments if s.part == "publisher"), None)
        persons = [s.text for s in segments if s.part == "person"]
        return Attribution(
            text=text,
            city=city.text if city else None,
            countries=city.countries if city else (),
            agency=agency.ids[0] if agency else None,
            agency_name=agency.text if agency else None,
            publishers=publisher.ids if publisher else (),
            publisher_name=publisher.text if publisher else None,
            wire=any(s.part == "wire" for s in segments),
            byline=" و".join(persons) if persons else None,
            whole_line=whole,
            sections=tuple(s.text for s in segments if s.part == "section"),
        )

    def credit_line(self, line: str) -> Attribution | None:
        """A line that is only an agency's name ("واس", "(أ ف ب)"), or None."""
        if len(line) > CREDIT_CHARS:
            return None  # the common case: a paragraph, not a credit
        key = normalize_key(line)
        if not key:
            return None
        agency = next((i for i in self.registry.by_marker(key) if i in self.agencies), None)
        if agency is None:
            return None
        return Attribution(text=line.strip(), agency=agency, agency_name=line.strip(" ()"), whole_line=True)

    def closing_agency(self, line: str) -> Attribution | None:
        """An agency in parentheses closing a paragraph ("... أمس. (واس)"), or None."""
        if line.rstrip(" .…")[-1:] not in (")", "]"):
            return None  # the common case: one look at the last character
        match = _CLOSING.search(line[-80:])
        if match is None:
            return None
        key = normalize_key(match["name"])
        agency = next((i for i in self.registry.by_marker(key) if i in self.agencies), None)
        if agency is None:
            return None
        return Attribution(text=match.group(0).strip(), agency=agency, agency_name=match["name"].strip())


_TATWEEL_DASH = re.compile(r"(?<=\s)\u0640+")  # a tatweel after a space joins nothing: it is a dash
_TITLE_DOT = re.compile(r"(?<=(?<![^\W\d_])[دمأ])\.")
_CLOSER = re.compile(r"\s*[:.\-–—]")
_CLOSING = re.compile(r"[(\[]\s*(?P<name>[^()\[\]]{1,30}?)\s*[)\]]\s*[.…]?\s*$")


def _infer_city(segments: list[_Segment], parts: list[Part]) -> None:
    """With no known place, a word the gazetteer lacks is the city when the header credits an
    outlet ("سبق- بريدة:"), and so is a first "name" before an agency ("خميس مشيط - واس")."""
    if "city" in parts or not {"agency", "wire", "publisher"} & set(parts):
        return
    at = parts.index("unknown") if "unknown" in parts else None
    if at is None and parts[0] == "person" and {"agency", "wire"} & set(parts):
        at = 0
    if at is not None:
        segments[at] = _Segment("city", segments[at].text)
        parts[at] = "city"


def _as_written(segment: _Segment, work: str, line: str) -> _Segment:
    at = work.find(segment.text)
    return segment if at < 0 else replace(segment, text=line[at : at + len(segment.text)])


def _ends_header(text: str, end: int) -> bool:
    """Whether a colon or a dash closes the header at `end` (then what follows is the body)."""
    rest = text[end:].lstrip(" ")
    return rest[:1] in (":", "-", "–", "—") or text[end - 1 : end] in (")", ":", "»")
