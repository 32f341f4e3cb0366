"""The outlet registry: every key checked with its line, and hosts resolved to outlets."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.errors import ManifestError
from provenance.parsing.article import parse_article
from provenance.parsing.outlets import COUNTRIES, Outlet, load_registry
from provenance.parsing.textnorm import normalize_key

ISO3166_TAB = Path("/usr/share/zoneinfo/iso3166.tab")
# An entry with every key, valid; each bad case replaces one line of it. It starts on line 2.
GOOD = """# a steward's registry
[[outlet]]
id = "okaz-test"
kind = "publisher"
name_ar = "عكاظ"
name_latin = "Okaz"
names = ["صحيفة عكاظ", "Ukaz"]
country = "SA"
domains = ["okaz-test.com.sa", "okaz-test.sa"]
credits = ["Okaz test"]
datelines = []
title_suffixes = []
sources = ["المصدر: عكاظ التجريبية"]
default_tz = "Asia/Riyadh"
started = 1960-01-01
"""


def _registry_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "outlets.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _replace(key: str, line: str | None) -> str:
    """GOOD with the line of `key` replaced by `line` (None: dropped; a key GOOD lacks: appended)."""
    lines = GOOD.splitlines()
    found = [n for n, entry in enumerate(lines) if entry.startswith(f"{key} =")]
    if not found:
        lines.append(line or "")
    elif line is None:
        del lines[found[0]]
    else:
        lines[found[0]] = line
    return "\n".join(lines) + "\n"


def test_a_steward_entry_with_every_key_loads_typed(tmp_path: Path) -> None:
    """Every key is read into the Outlet with its type; markers are normalized, names kept as written."""
    outlet = load_registry(_registry_file(tmp_path, GOOD)).outlets["okaz-test"]
    assert outlet.kind == "publisher"
    assert outlet.country == "SA"
    assert outlet.domains == ("okaz-test.com.sa", "okaz-test.sa")
    assert outlet.names == ("صحيفة عكاظ", "Ukaz")
    assert outlet.credits == ("okaz test",)
    assert outlet.sources == ("المصدر عكاظ التجريبيه",)
    assert outlet.default_tz == "Asia/Riyadh"
    assert str(outlet.started) == "1960-01-01"


@pytest.mark.parametrize(
    ("value", "country"),
    [('country = "XX"', None), (None, None), ('country = "GB"', "GB"), ('country = "PS"', "PS")],
)
def test_pan_arab_outlets_have_no_country(tmp_path: Path, value: str | None, country: str | None) -> None:
    """Country 'XX' and an omitted country both mean pan-Arab or international: None."""
    outlet = load_registry(_registry_file(tmp_path, _replace("country", value))).outlets["okaz-test"]
    assert outlet.country == country


@pytest.mark.parametrize(
    ("key", "line", "fragment"),
    [
        ("kind", None, "okaz-test: 'kind' must be 'publisher' or 'agency'"),
        ("kind", 'kind = "newspaper"', "'kind' must be 'publisher' or 'agency', not 'newspaper'"),
        ("kind", 'kind = "Agency"', "not 'Agency'"),
        ("kind", "kind = 1", "not 1"),
        ("country", 'country = "sa"', "'country' must be an ISO 3166-1 alpha-2 code"),
        ("country", 'country = "UK"', "not 'UK'"),
        ("country", 'country = "SAU"', "not 'SAU'"),
        ("country", 'country = "Saudi Arabia"', "not 'Saudi Arabia'"),
        ("country", "country = 966", "not 966"),
        ("domains", 'domains = "okaz-test.com.sa"', "'domains' must be a list of strings"),
        ("domains", "domains = [1]", "'domains' must be a list of strings"),
        ("domains", 'domains = ["https://okaz-test.com.sa"]', "not 'https://okaz-test.com.sa'"),
        ("domains", 'domains = ["okaz-test.com.sa/news"]', "not 'okaz-test.com.sa/news'"),
        ("domains", 'domains = ["okaz-test.com.sa:443"]', "not 'okaz-test.com.sa:443'"),
        ("domains", 'domains = ["Okaz-Test.com.sa"]', "(lowercase, no scheme, port or path), not 'Okaz-Test.com.sa'"),
        ("domains", 'domains = ["okaz-test.com.sa."]', "not 'okaz-test.com.sa.'"),
        ("domains", 'domains = ["okaztest"]', "not 'okaztest'"),
        ("domains", 'domains = ["192.168.0.1"]', "not '192.168.0.1'"),
        ("domains", 'domains = ["-okaz.com.sa"]', "not '-okaz.com.sa'"),
        ("domains", 'domains = ["okaz-.com.sa"]', "not 'okaz-.com.sa'"),
        ("domains", 'domains = ["okaz..com.sa"]', "not 'okaz..com.sa'"),
        ("domains", 'domains = ["okaz test.com.sa"]', "not 'okaz test.com.sa'"),
        ("domains", 'domains = ["عكاظ.com.sa"]', "not 'عكاظ.com.sa'"),
        ("domains", 'domains = [""]', "not ''"),
        ("domains", f'domains = ["{"a" * 64}.com"]', "host names such as 'okaz.com.sa'"),
        ("domains", 'domains = ["www.okaz-test.com.sa"]', "list 'okaz-test.com.sa', not 'www.okaz-test.com.sa'"),
        ("domains", 'domains = ["okaz-test.sa", "okaz-test.sa"]', "'domains' lists 'okaz-test.sa' more than once"),
        ("names", 'names = "عكاظ"', "'names' must be a list of strings"),
        ("names", "names = [1]", "'names' must be a list of strings"),
        ("names", 'names = ["عكاظ", " "]', "'names' must not hold empty names"),
        ("sources", 'sources = "المصدر: عكاظ"', "'sources' must be a list of strings"),
        ("default_tz", 'default_tz = "Asia/Jeddah"', "'default_tz' must be a time zone name"),
        ("started", 'started = "1960"', "'started' must be a date such as 2014-11-10, not '1960'"),
        ("started", "started = 1960-01-01T10:00:00", "no time of day"),
        ("name_ar", "name_ar = 1", "'name_ar' must be a string"),
        ("id", 'id = ""', "needs a non-empty string 'id'"),
        ("colour", 'colour = "red"', "unknown key(s) 'colour'"),
    ],
)
def test_a_bad_value_is_exit_2_with_the_entry_line(tmp_path: Path, key: str, line: str | None, fragment: str) -> None:
    """Each key's bad type or value is a ManifestError (exit 2) naming the file and the entry's line."""
    with pytest.raises(ManifestError) as caught:
        load_registry(_registry_file(tmp_path, _replace(key, line)))
    assert caught.value.exit_code == 2
    assert caught.value.line == 2
    assert caught.value.lines()[0].startswith(f"{tmp_path / 'outlets.toml'}:2: [[outlet]] #1: ")
    assert fragment in "\n".join(caught.value.lines())


def test_every_problem_of_an_entry_is_reported_at_once(tmp_path: Path) -> None:
    """A steward fixes a bad kind, country and domain in one pass: one line each."""
    text = _replace("kind", 'kind = "paper"').replace('country = "SA"', 'country = "KSA"')
    text = text.replace('"okaz-test.sa"]', '"http://okaz-test.sa"]')
    with pytest.raises(ManifestError) as caught:
        load_registry(_registry_file(tmp_path, text))
    messages = caught.value.lines()
    assert len(messages) == 3
    assert ["'kind'" in messages[0], "'country'" in messages[1], "'domains'" in messages[2]] == [True, True, True]


def test_a_domain_listed_by_two_entries_names_both(tmp_path: Path) -> None:
    """Two outlets claiming one host would make by_domain a guess: the second entry's line says whose it is."""
    second = GOOD.split("\n", 1)[1].replace('"okaz-test"', '"okaz-copy"').replace('"okaz-test.sa"', '"okaz-copy.sa"')
    text = GOOD + "\n" + second
    with pytest.raises(ManifestError) as caught:
        load_registry(_registry_file(tmp_path, text))
    assert caught.value.line == text.splitlines().index("[[outlet]]", 2) + 1 == 17
    assert "okaz-copy: domain 'okaz-test.com.sa' is already outlet 'okaz-test''s" in caught.value.lines()[0]


@pytest.mark.parametrize(
    ("host", "outlet"),
    [
        ("okaz.com.sa", "okaz"),
        ("www.okaz.com.sa", "okaz"),
        ("m.okaz.com.sa", "okaz"),
        ("WWW.Okaz.com.sa", "okaz"),
        ("www.okaz.com.sa.", "okaz"),
        ("sport.okaz.com.sa", "okaz-sport"),
        ("live.sport.okaz.com.sa", "okaz-sport"),
        ("notokaz.com.sa", None),
        ("sportokaz.com.sa", None),
        ("okaz.com", None),
        ("com.sa", None),
        ("sa", None),
        ("okaz.com.sa.example.org", None),
        ("okaz.com.sa:443", None),
        ("", None),
    ],
)
def test_by_domain_takes_subdomains_and_the_longest_match(tmp_path: Path, host: str, outlet: str | None) -> None:
    """A host resolves to the outlet of its longest listed domain; a name merely ending alike does not."""
    okaz = '[[outlet]]\nid = "okaz"\nkind = "publisher"\ndomains = ["okaz.com.sa"]\n'
    sport = '[[outlet]]\nid = "okaz-sport"\nkind = "publisher"\ndomains = ["sport.okaz.com.sa"]\n'
    registry = load_registry(_registry_file(tmp_path, okaz + sport))
    assert registry.by_domain(host) == outlet


def test_a_corpus_outlet_takes_a_shipped_domain_over(tmp_path: Path) -> None:
    """A steward's own outlets.toml is merged last, so its outlet wins a domain the shipped file lists."""
    mine = '[[outlet]]\nid = "aljazeera-archive"\nkind = "publisher"\ndomains = ["aljazeera.net"]\n'
    registry = load_registry(_registry_file(tmp_path, mine))
    assert registry.by_domain("www.aljazeera.net") == "aljazeera-archive"
    assert load_registry().by_domain("www.aljazeera.net") == "aljazeera"


@pytest.mark.skipif(not ISO3166_TAB.exists(), reason="no tzdata iso3166.tab on this system")
def test_the_country_codes_are_iso_3166_alpha_2() -> None:
    """The embedded code list is tzdata's ISO 3166-1 alpha-2 table, no more, no less."""
    lines = ISO3166_TAB.read_text(encoding="utf-8").splitlines()
    assert {line.split("\t")[0] for line in lines if line and not line.startswith("#")} == COUNTRIES


# --- the shipped registry -----------------------------------------------------------------------

SHIPPED = load_registry()
SHIPPED_TOML = Path(__file__).parent.parent / "provenance" / "parsing" / "data" / "outlets.toml"
AGENCIES = {
    *("reuters", "afp", "ap", "dpa", "xinhua", "anadolu"),
    *("spa", "wam", "qna", "kuna", "mena", "petra", "sana", "bna", "ona", "map"),
    *("wafa", "ina", "aps", "tap", "saba", "suna", "nna"),
    *("irna", "tass", "ria-novosti", "yonhap", "kyodo", "efe", "ansa"),
}
MARKER_KEYS = ("credits", "datelines", "title_suffixes", "sources")
EVIDENCE_KEYS = ("credits", "title_suffixes", "sources")  # a publisher's markers that name it alone
# Words that name several papers, or a place, or mean something else: never evidence on their own.
AMBIGUOUS = [
    *("الرياض", "المدينة", "اليوم", "الوطن", "الشرق", "الشرق الأوسط", "الخليج", "البيان", "الاتحاد", "الراي"),
    *("الرأي", "الأيام", "الشروق", "القدس", "الصباح", "الغد", "الدستور", "النهار", "الأخبار", "الحياة"),
    *("المدى", "الخبر", "الجمهورية", "العرب", "العربية", "البلاد", "الأنباء", "الجريدة", "الراية", "عاجل"),
    *("سبق", "المرصد", "مكة", "عمان", "الكويت", "قطر", "القاهرة", "دبي", "بيروت", "الرباط", "المساء"),
]


def test_the_shipped_registry_has_60_outlets_or_more_with_unique_ids() -> None:
    """The loader accepts the shipped file; every [[outlet]] in it is an outlet of its own."""
    entries = SHIPPED_TOML.read_text(encoding="utf-8").count("\n[[outlet]]\n")
    assert len(SHIPPED.outlets) == entries >= 60


@pytest.mark.parametrize("outlet", sorted(SHIPPED.outlets))
def test_every_shipped_outlet_is_complete(outlet: str) -> None:
    """Each entry says what it is, its names in both scripts, its hosts and the zone to assume."""
    entry = SHIPPED.outlets[outlet]
    assert entry.kind == ("agency" if outlet in AGENCIES else "publisher")
    assert entry.name_ar.strip()
    assert entry.name_latin.strip()
    assert entry.domains
    assert entry.default_tz


def test_the_wire_agencies_are_the_agencies() -> None:
    """Exactly the wire agencies are kind "agency"; everything else publishes."""
    assert {o.id for o in SHIPPED.outlets.values() if o.kind == "agency"} == AGENCIES


@pytest.mark.parametrize(
    ("outlet", "country"),
    [
        ("okaz", "SA"),
        ("al-jazirah", "SA"),
        ("aawsat", "SA"),
        ("spa", "SA"),
        ("aljazeera", None),
        ("alarabiya", None),
        ("bbc-arabic", None),
        ("sputnik", None),
        ("ahram", "EG"),
        ("mena", "EG"),
        ("alwatan-kw", "KW"),
        ("alwatan-qa", "QA"),
        ("annahar", "LB"),
        ("alquds", "PS"),
        ("shafaq", "IQ"),
        ("hespress", "MA"),
        ("reuters", "GB"),
        ("afp", "FR"),
        ("anadolu", "TR"),
    ],
)
def test_shipped_outlets_belong_to_their_country(outlet: str, country: str | None) -> None:
    """A national outlet carries its country; a pan-Arab one none."""
    assert SHIPPED.outlets[outlet].country == country


@pytest.mark.parametrize(
    ("marker", "outlet"),
    [
        ("واس", "spa"),
        ("وام", "wam"),
        ("قنا", "qna"),
        ("كونا", "kuna"),
        ("أ ش أ", "mena"),
        ("أ.ش.أ", "mena"),
        ("بترا", "petra"),
        ("سانا", "sana"),
        ("بنا", "bna"),
        ("العمانية", "ona"),
        ("لاماب", "map"),
        ("ومع", "map"),
        ("و.م.ع", "map"),
        ("د ب أ", "dpa"),
        ("شينخوا", "xinhua"),
        ("أ ف ب", "afp"),
        ("رويترز", "reuters"),
        ("الأناضول", "anadolu"),
        *(("أ.ف.ب", "afp"), ("ا ف ب", "afp"), ("فرانس برس", "afp"), ("AFP", "afp"), ("Reuters", "reuters")),
        *(("أ ب", "ap"), ("أسوشيتد برس", "ap"), ("د.ب.أ", "dpa"), ("وكالة الأنباء السعودية", "spa")),
        *(("الوكالة الوطنية للإعلام", "nna"), ("إرنا", "irna"), ("تاس", "tass"), ("ريا نوفوستي", "ria-novosti")),
        *(("يونهاب", "yonhap"), ("كيودو", "kyodo"), ("إفي", "efe"), ("أنسا", "ansa")),
    ],
)
def test_an_agency_abbreviation_in_a_dateline_names_the_agency(marker: str, outlet: str) -> None:
    """The Arabic abbreviation a dateline uses resolves to its agency, whatever the dots."""
    assert SHIPPED.by_dateline(normalize_key(marker)) == outlet


def test_every_agency_is_named_in_datelines() -> None:
    """A wire agency is credited in datelines, so each has at least one dateline marker."""
    assert [o.id for o in SHIPPED.outlets.values() if o.kind == "agency" and not o.datelines] == []


def _markers(outlet: Outlet) -> list[str]:
    """The markers that must name this outlet alone: all of an agency's; a publisher's but its datelines."""
    keys = MARKER_KEYS if outlet.kind == "agency" else EVIDENCE_KEYS
    return [marker for key in keys for marker in getattr(outlet, key)]


def test_no_marker_names_two_outlets() -> None:
    """After normalization, each credit, title suffix, source and agency dateline belongs to one outlet:
    that evidence is never a tie. Publishers' own datelines may be shared (الوطن names seven papers)."""
    owners: dict[str, set[str]] = {}
    for outlet in SHIPPED.outlets.values():
        for marker in _markers(outlet):
            owners.setdefault(marker, set()).add(outlet.id)
    assert {marker: ids for marker, ids in owners.items() if len(ids) > 1} == {}


def test_no_publisher_signs_with_an_agencys_dateline() -> None:
    """A dateline naming an agency names that agency alone, never also a publisher's own byline."""
    agencies = {marker for o in SHIPPED.outlets.values() if o.kind == "agency" for marker in o.datelines}
    publishers = {marker for o in SHIPPED.outlets.values() if o.kind == "publisher" for marker in o.datelines}
    assert agencies & publishers == set()


def test_no_ambiguous_word_is_a_marker_on_its_own() -> None:
    """A word that names several papers or a place is no credit, title, source or agency marker, bare or as
    `المصدر: word`; only a publisher's dateline (the name it signs its own stories with) may be one."""
    words = {normalize_key(word) for word in AMBIGUOUS}
    bare = {
        (outlet.id, marker)
        for outlet in SHIPPED.outlets.values()
        for marker in _markers(outlet)
        if marker in words or marker.removeprefix("المصدر ") in words
    }
    assert bare == set()


def test_every_publisher_signs_its_stories() -> None:
    """Each publisher lists at least one name it signs its own stories with at a paragraph's start."""
    assert [o.id for o in SHIPPED.outlets.values() if o.kind == "publisher" and not o.datelines] == []


@pytest.mark.parametrize(
    ("outlet", "name"),
    [
        *(("okaz", "عكاظ"), ("sabq", "سبق"), ("alweeam", "الوئام"), ("aleqtisadiah", "الاقتصادية")),
        *(("al-jazirah", "الجزيرة"), ("aljazeera", "الجزيرة"), ("aawsat", "الشرق الأوسط")),
        *(("alriyadh", "الرياض"), ("al-madina", "المدينة"), ("makkah", "مكة")),
        *(("alwatan-sa", "الوطن"), ("alwatan-kw", "الوطن"), ("elwatan-eg", "الوطن"), ("alyaum", "اليوم")),
    ],
)
def test_a_publisher_signs_with_its_bare_name(outlet: str, name: str) -> None:
    """The bare name a paper signs with is its dateline, even where a city or another paper shares it."""
    assert normalize_key(name) in SHIPPED.outlets[outlet].datelines


def test_al_jazirah_and_al_jazeera_are_told_apart() -> None:
    """The bare الجزيرة credit and source stay Al Jazeera's; the Saudi daily's is صحيفة الجزيرة."""
    assert SHIPPED.by_credit(normalize_key("الجزيرة")) == "aljazeera"
    assert SHIPPED.by_source(normalize_key("المصدر: الجزيرة")) == "aljazeera"
    assert SHIPPED.by_source(normalize_key("المصدر: صحيفة الجزيرة")) == "al-jazirah"
    assert SHIPPED.by_domain("www.al-jazirah.com") == "al-jazirah"
    assert SHIPPED.by_domain("www.aljazeera.net") == "aljazeera"


def test_every_shipped_domain_is_one_outlets() -> None:
    """No host is listed twice, and each (with www. or any subdomain) resolves to its own outlet."""
    domains = [(domain, outlet.id) for outlet in SHIPPED.outlets.values() for domain in outlet.domains]
    assert len({domain for domain, _ in domains}) == len(domains)
    for domain, outlet in domains:
        assert SHIPPED.by_domain(domain) == SHIPPED.by_domain(f"www.{domain}") == outlet
        assert SHIPPED.by_domain(f"not{domain}") is None


@pytest.mark.parametrize(
    ("host", "outlet"),
    [
        ("www.okaz.com.sa", "okaz"),
        ("m.okaz.com.sa", "okaz"),
        ("notokaz.com.sa", None),
        ("arabic.rt.com", "rt"),
        ("arabic.cnn.com", "cnn-arabic"),
        ("edition.cnn.com", None),
        ("www.bbc.com", "bbc-arabic"),
        ("www.spa.gov.sa", "spa"),
        ("gate.ahram.org.eg", "ahram"),
        ("www.alwatan.com.sa", "alwatan-sa"),
        ("www.alwatan.com.kw", "alwatan-kw"),
        ("alwatan.com", "alwatan-om"),
    ],
)
def test_shipped_hosts_resolve(host: str, outlet: str | None) -> None:
    """Real hosts resolve to the outlet that publishes there; look-alike names do not."""
    assert SHIPPED.by_domain(host) == outlet


@pytest.mark.parametrize(
    ("lines", "outlet", "agency", "evidence"),
    [
        # An agency's dateline credits the agency: it is not the publisher.
        (["الرياض - واس. أعلن المتحدث الرسمي عن نتائج الاجتماع."], None, "spa", None),
        (["الكويت (كونا) - أعلن المتحدث الرسمي عن نتائج الاجتماع."], None, "kuna", None),
        (["القاهرة (أ.ش.أ) - أعلن المتحدث الرسمي عن نتائج الاجتماع."], None, "mena", None),
        (["أعلن المتحدث الرسمي عن نتائج الاجتماع.", "المصدر: صحيفة الجزيرة"], "al-jazirah", None, "source"),
        (["أعلن المتحدث الرسمي عن نتائج الاجتماع.", "المصدر: الجزيرة"], "aljazeera", None, "source"),
        # A bare word seven papers share decides nothing, and the evidence says so ...
        (["أعلن المتحدث الرسمي عن نتائج الاجتماع.", "المصدر: الوطن"], None, None, "ambiguous: source names one of"),
        # ... unless the dateline's city settles it: the one Saudi paper of that name.
        (["الرياض - الوطن. أعلن المتحدث الرسمي عن نتائج الاجتماع."], "alwatan-sa", None, "dateline"),
        (["أبها - الجزيرة: أعلن المتحدث الرسمي عن نتائج الاجتماع."], "al-jazirah", None, "dateline"),
        (["الدوحة - الجزيرة: أعلن المتحدث الرسمي عن نتائج الاجتماع."], None, None, "ambiguous: dateline names"),
        (["الوئام - رويترز: أعلن المتحدث الرسمي عن نتائج الاجتماع."], "alweeam", "reuters", "dateline"),
    ],
)
def test_an_article_names_its_outlet_only_by_unambiguous_evidence(
    lines: list[str], outlet: str | None, agency: str | None, evidence: str | None
) -> None:
    """An agency's dateline names the agency; a paper's qualified name, or a shared name with its city, the paper."""
    text = "\n".join(["عنوان الخبر عن الاجتماع", *lines]) + "\n"
    article = parse_article(text.encode(), file="a.txt", registry=SHIPPED).article
    assert (article["outlet"], article["agency"]) == (outlet, agency)
    found = article["outlet_evidence"]
    assert found == evidence if evidence is None or not evidence.startswith("ambiguous") else found.startswith(evidence)


@pytest.mark.parametrize("zone", ["Asia", "Europe", "not/a/zone"])
def test_a_zone_folder_or_unknown_name_is_a_registry_error_not_a_crash(tmp_path: Path, zone: str) -> None:
    """default_tz = "Asia" names a folder of zones: exit 2 material (ManifestError), never an OSError."""
    (tmp_path / "outlets.toml").write_text(
        f'[[outlet]]\nid = "x"\nkind = "publisher"\ndefault_tz = "{zone}"\n', encoding="utf-8"
    )
    with pytest.raises(ManifestError, match="default_tz"):
        load_registry(tmp_path)
