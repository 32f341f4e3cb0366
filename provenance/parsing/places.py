"""TEMPORARY stub of the gazetteer (replaced by the issue11-places branch)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from provenance.parsing.textnorm import normalize_key

_PLACES = {
    "SA": "الرياض جدة مكة_المكرمة مكة المدينة_المنورة المدينة أبها الدمام تبوك جازان",
    "US": "واشنطن نيويورك أيوا",
    "GB": "لندن",
    "EG": "القاهرة",
    "PS": "القدس غزة",
    "FR": "باريس",
    "LB": "بيروت طرابلس",
    "LY": "طرابلس",
}
_SECTIONS = "المنوعات منوعات محليات الاقتصاد رياضة"
_REPORT = "تحقيق متابعة حوار تقرير خاص كتب إعداد"
_WIRE = "وكالات الوكالات متابعات"
_NOT_NAMES = "قال أكد أعلن في من على إلى عن أن إن مع بعد قبل تم"


def _keys(words: str) -> frozenset[str]:
    return frozenset(normalize_key(w.replace("_", " ")) for w in words.split())


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: dict[str, tuple[str, ...]]
    sections: frozenset[str]
    report: frozenset[str]
    wire: frozenset[str]
    not_names: frozenset[str]
    longest_place_words: int

    def countries(self, key: str) -> tuple[str, ...]:
        return self.places.get(key, ())

    def is_place(self, key: str) -> bool:
        return key in self.places

    def is_section(self, key: str) -> bool:
        return key in self.sections

    def is_report_word(self, key: str) -> bool:
        return key in self.report

    def is_wire_word(self, key: str) -> bool:
        return key in self.wire

    def is_not_name(self, word_key: str) -> bool:
        return word_key in self.not_names


@functools.cache
def load_gazetteer() -> Gazetteer:
    places: dict[str, tuple[str, ...]] = {}
    for country, names in _PLACES.items():
        for key in _keys(names):
            places[key] = (*places.get(key, ()), country)
    return Gazetteer(places, _keys(_SECTIONS), _keys(_REPORT), _keys(_WIRE), _keys(_NOT_NAMES), 2)
