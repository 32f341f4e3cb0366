"""The gazetteer: places with their countries, section, report and wire words, non-names, and the data's rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from provenance.errors import ManifestError
from provenance.parsing.outlets import COUNTRIES
from provenance.parsing.places import Gazetteer, load_gazetteer, parse_gazetteer
from provenance.parsing.textnorm import normalize_key

PLACES_TOML = Path(__file__).parent.parent / "provenance" / "parsing" / "data" / "places.toml"
RAW = tomllib.loads(PLACES_TOML.read_text(encoding="utf-8"))
GAZETTEER = load_gazetteer()
ARAB_LEAGUE = {"SA", "AE", "KW", "QA", "BH", "OM", "YE", "IQ", "SY", "LB", "JO"}
ARAB_LEAGUE |= {"PS", "EG", "SD", "LY", "TN", "DZ", "MA", "MR", "SO", "DJ", "KM"}


def _key(text: str) -> str:
    return normalize_key(text)


@pytest.mark.parametrize(
    ("name", "countries"),
    [
        ("لندن", ("GB",)),
        ("واشنطن", ("US",)),
        ("واشنطون", ("US",)),
        ("نيويورك", ("US",)),
        ("نيو يورك", ("US",)),
        ("جنيف", ("CH",)),
        ("جينيف", ("CH",)),
        ("أبوظبي", ("AE",)),
        ("أبو ظبي", ("AE",)),
        ("ابو ظبي", ("AE",)),  # alef forms fold
        ("الرياض", ("SA",)),
        ("جدة", ("SA",)),
        ("جده", ("SA",)),  # ة and ه fold
        ("جُدَّة", ("SA",)),  # harakat drop
        ("الريـــاض", ("SA",)),  # tatweel drops
        ("مكة المكرمة", ("SA",)),
        ("المدينة المنورة", ("SA",)),
        ("أبها", ("SA",)),
        ("خميس مشيط", ("SA",)),
        ("الأحساء", ("SA",)),
        ("جازان", ("SA",)),
        ("جيزان", ("SA",)),
        ("حفر الباطن", ("SA",)),
        ("وادي الدواسر", ("SA",)),
        ("محايل عسير", ("SA",)),
        ("العلا", ("SA",)),
        ("طرابلس", ("LB", "LY")),
        ("عمان", ("JO", "OM")),
        ("صور", ("LB", "OM")),
        ("القدس", ("PS",)),
        ("غزة", ("PS",)),
        ("رام الله", ("PS",)),
        ("الضفة الغربية", ("PS",)),
        ("الخليل", ("PS",)),
        ("القاهرة", ("EG",)),
        ("الكويت", ("KW",)),
        ("أيوا", ("US",)),
        ("آيوا", ("US",)),
        ("إسطنبول", ("TR",)),
        ("إسلام آباد", ("PK",)),
        ("هونغ كونغ", ("HK",)),
        ("موسكو", ("RU",)),
        ("كييف", ("UA",)),
    ],
)
def test_a_place_is_found_with_its_countries(name: str, countries: tuple[str, ...]) -> None:
    """A dateline's place, however it is spelled among the folded forms, gives its countries' codes."""
    assert GAZETTEER.is_place(_key(name))
    assert GAZETTEER.countries(_key(name)) == countries


@pytest.mark.parametrize(
    "name",
    [
        *("محمد علي صالح", "عبدالرحمن جمال", "حسن باسويد", "علي الحضان", "محمد"),  # people
        *("الوئام", "سبق", "عكاظ", "الاقتصادية", "الشرق الأوسط"),  # outlets
        *("المنوعات", "وكالات", "تحقيق"),  # sections, wire and report words
        *("الكامل", "رشيد", "مالي", "ليل", "كان", "بورصة"),  # places that are also words or names: left out
        "",
    ],
)
def test_people_outlets_and_words_are_not_places(name: str) -> None:
    """A person's name, an outlet's own name or a section is no place: countries() is empty."""
    assert not GAZETTEER.is_place(_key(name))
    assert GAZETTEER.countries(_key(name)) == ()


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("المنوعات", "section"),
        ("منوعات", "section"),
        ("محليات", "section"),
        ("الاقتصاد", "section"),
        ("رياضة", "section"),
        ("عربي ودولي", "section"),
        ("الرأي", "section"),
        ("تحقيق", "report"),
        ("متابعة", "report"),
        ("حوار", "report"),
        ("خاص", "report"),
        ("كتبت", "report"),
        ("من مراسلنا", "report"),
        ("وكالات", "wire"),
        ("الوكالات", "wire"),
        ("متابعات", "wire"),
        ("وكالات الأنباء", "wire"),
        ("جدة", None),
        ("عبدالرحمن", None),
    ],
)
def test_section_report_and_wire_words(word: str, kind: str | None) -> None:
    """Each word is in exactly its own list; a city or a given name is in none."""
    key = _key(word)
    found = {
        "section": GAZETTEER.is_section(key),
        "report": GAZETTEER.is_report_word(key),
        "wire": GAZETTEER.is_wire_word(key),
    }
    assert found == {name: name == kind for name in found}


@pytest.mark.parametrize(
    ("word", "not_name"),
    [
        *(("قال", True), ("أكد", True), ("أعلنت", True), ("يبحث", True), ("تشهد", True), ("استقبل", True)),
        *(("في", True), ("من", True), ("إلى", True), ("التي", True), ("و", True), ("لم", True)),
        ("علي", False),  # the name Ali; "على" folds to it, so the preposition is not listed
        *(("محمد", False), ("صالح", False), ("عبدالرحمن", False), ("شهد", False), ("طالب", False), ("هنا", False)),
    ],
)
def test_not_names_are_lede_words_never_given_names(word: str, not_name: bool) -> None:
    """Common lede verbs and function words cannot be part of a byline's name; given names can."""
    assert GAZETTEER.is_not_name(_key(word)) is not_name


def test_longest_place_words_is_the_most_words_of_any_place() -> None:
    """A scanner trying word spans of up to longest_place_words words sees every listed place."""
    assert GAZETTEER.longest_place_words == max(len(key.split()) for key in GAZETTEER.places) >= 3
    assert GAZETTEER.is_place(_key("المملكة العربية السعودية"))


def test_the_gazetteer_is_loaded_once() -> None:
    """load_gazetteer reads the shipped file once; every caller shares the result."""
    assert load_gazetteer() is load_gazetteer()
    assert isinstance(load_gazetteer(), Gazetteer)


# --- the shipped data -----------------------------------------------------------------------------


def test_every_code_is_an_iso_country() -> None:
    """Every [places] key is a country code of outlets.COUNTRIES (no "XX" or made-up code)."""
    assert set(RAW["places"]) <= COUNTRIES
    assert {code for codes in GAZETTEER.places.values() for code in codes} == set(RAW["places"])


def test_coverage_is_broad() -> None:
    """Every Arab League member has places, Saudi Arabia most of all, and there are 500 names or more."""
    assert set(RAW["places"]) >= ARAB_LEAGUE
    sizes = {code: len(names) for code, names in RAW["places"].items()}
    assert max(sizes, key=lambda code: sizes[code]) == "SA"
    assert sum(sizes.values()) >= 500
    assert len(GAZETTEER.not_names) >= 200


@pytest.mark.parametrize("code", sorted(RAW["places"]))
def test_no_name_is_listed_twice_under_one_country(code: str) -> None:
    """Within one country no two names share a normalization key: each spelling listed adds a form."""
    keys = [normalize_key(name) for name in RAW["places"][code]]
    assert len(keys) == len(set(keys))


def test_no_place_is_a_section_report_or_wire_word() -> None:
    """A word that can stand where a city stands but is none (المنوعات, تحقيق, وكالات) is never a place."""
    places = GAZETTEER.places.keys()
    assert places & GAZETTEER.sections == set()
    assert places & GAZETTEER.report_words == set()
    assert places & GAZETTEER.wire_words == set()


def test_every_not_name_is_one_word() -> None:
    """not_names holds single words: the parser checks a byline's words one by one."""
    assert all(len(key.split()) == 1 for key in GAZETTEER.not_names)


def test_the_file_is_sorted_as_its_header_says() -> None:
    """Countries in code order; each list by normalization key, then as written (twins sit together)."""
    assert list(RAW["places"]) == sorted(RAW["places"])
    lists = [*RAW["places"].values(), *RAW["words"].values()]
    for names in lists:
        assert names == sorted(names, key=lambda name: (normalize_key(name), name))


# --- a broken file --------------------------------------------------------------------------------

GOOD = """# a small gazetteer
[places]
LB = ["بيروت", "طرابلس"]
LY = ["طرابلس"]

[words]
sections = ["المنوعات"]
report = ["تحقيق"]
wire = ["وكالات"]
not_names = ["قال"]
"""


def test_a_small_good_file_parses() -> None:
    """parse_gazetteer reads a string: a name under two codes has both, sorted."""
    gazetteer = parse_gazetteer(GOOD, source="test.toml")
    assert gazetteer.countries(_key("طرابلس")) == ("LB", "LY")
    assert gazetteer.is_section(_key("المنوعات"))
    assert gazetteer.longest_place_words == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ('LY = ["طرابلس"]', 'LY = ["طرابلس"] ليبيا', 4, "not valid TOML"),
        ('LY = ["طرابلس"]', 'KSA = ["الرياض"]', 4, "'KSA' is not an ISO 3166-1 alpha-2 code"),
        ('LY = ["طرابلس"]', 'XX = ["الرياض"]', 4, "'XX' is not an ISO 3166-1 alpha-2 code"),
        ('LY = ["طرابلس"]', 'LY = "طرابلس"', 4, "[places] LY must be a non-empty list of strings"),
        ('LY = ["طرابلس"]', "LY = []", 4, "[places] LY must be a non-empty list of strings"),
        ('LY = ["طرابلس"]', 'LY = ["طرابلس", "طرابلس"]', 4, "'طرابلس' is listed twice"),
        ('LB = ["بيروت", "طرابلس"]', 'LB = ["بيروت", "بيروة", "بيروه"]', 3, "'بيروه' is 'بيروة' again"),
        ('LY = ["طرابلس"]', 'LY = ["--"]', 4, "'--' has no letters"),
        ('sections = ["المنوعات"]', 'sections = ["المنوعات", "بيروت"]', 7, "sections: 'بيروت' is also a place"),
        ('wire = ["وكالات"]', 'wire = ["وكالات", "تحقيق"]', 9, "wire: 'تحقيق' is already in report"),
        ('not_names = ["قال"]', 'not_names = ["قال", "من مراسلنا"]', 10, "'من مراسلنا' is not one word"),
        ('not_names = ["قال"]', 'not_names = ["قال"]\ncolours = ["أحمر"]', 11, "unknown list 'colours'"),
        ('not_names = ["قال"]', "", 6, "[words] needs a 'not_names' list"),
        ("[words]", "[word]", 6, "unknown table 'word'"),
    ],
)
def test_a_broken_file_is_rejected_with_its_line(old: str, new: str, line: int, fragment: str) -> None:
    """Each malformed value is a ManifestError (exit 2) naming the source and the line it is on."""
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(ManifestError) as caught:
        parse_gazetteer(text, source="test.toml")
    assert caught.value.exit_code == 2
    assert caught.value.line == line
    assert caught.value.lines()[0].startswith(f"test.toml:{line}: ")
    assert fragment in "\n".join(caught.value.lines())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "test.toml: needs a [places] table of country code = [names]"),
        ('[places]\nLB = ["بيروت"]\n', "test.toml: needs a [words] table with sections, report, wire, not_names"),
    ],
)
def test_a_missing_table_is_one_problem(text: str, message: str) -> None:
    """A file without [places] or [words] says which table it needs, once."""
    with pytest.raises(ManifestError) as caught:
        parse_gazetteer(text, source="test.toml")
    assert message in caught.value.lines()


def test_every_problem_is_reported_at_once() -> None:
    """A bad code, a repeated name and a place in sections: three lines, in file order, one pass to fix."""
    text = GOOD.replace('LB = ["بيروت", "طرابلس"]', 'L1 = ["بيروت"]')
    text = text.replace('LY = ["طرابلس"]', 'LY = ["طرابلس", "طرابلس"]')
    text = text.replace('sections = ["المنوعات"]', 'sections = ["طرابلس"]')
    with pytest.raises(ManifestError) as caught:
        parse_gazetteer(text, source="test.toml")
    assert [problem.line for problem in caught.value.problems] == [3, 4, 7]
