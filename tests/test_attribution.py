"""Attribution headers: the forms real corpora write, read into city, agency, publisher and byline.

Each case is a shape seen in real corpora (README "Who wrote it"), in text of our own. The reader is
measured on these and on tests/resources/real-shapes; a form that is missing here is a form the
parser was never shown.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.parsing.article import parse_article
from provenance.parsing.attribution import Reader
from provenance.parsing.outlets import load_registry
from provenance.parsing.places import load_gazetteer

REGISTRY = load_registry()
READER = Reader(REGISTRY, load_gazetteer())

# (line, city, agency, publishers, byline, kind); publishers are the candidate ids before settling.
HEADERS = [
    ("لندن : رويترز", "لندن", "reuters", (), None, "dateline"),
    ("لندن: رويترز", "لندن", "reuters", (), None, "dateline"),
    ("واشنطن : (أ ف ب)", "واشنطن", "afp", (), None, "dateline"),
    ("واشنطن - (أ.ف.ب) - أعلن البيت الأبيض أمس عن خطة جديدة", "واشنطن", "afp", (), None, "dateline"),
    ("نيويورك - أ ف ب", "نيويورك", "afp", (), None, "dateline"),
    ("نيويورك – أ ف ب: قالت الأمم المتحدة إن", "نيويورك", "afp", (), None, "dateline"),
    ("أيوا - (رويترز):", "أيوا", "reuters", (), None, "dateline"),
    ("القاهرة (رويترز) - قال مسؤولون إن الاجتماع انتهى", "القاهرة", "reuters", (), None, "dateline"),
    ("الرياض: واس", "الرياض", "spa", (), None, "dateline"),
    ("الرياض - واس", "الرياض", "spa", (), None, "dateline"),
    ("المدينة المنورة - واس", "المدينة المنورة", "spa", (), None, "dateline"),
    ("جدة – واس: دشن أمير المنطقة مشروعا جديدا", "جدة", "spa", (), None, "dateline"),
    ("أبوظبي - وام", "أبوظبي", "wam", (), None, "dateline"),
    ("الدوحة - قنا", "الدوحة", "qna", (), None, "dateline"),
    ("الكويت (كونا) - أعلن المتحدث", "الكويت", "kuna", (), None, "dateline"),
    ("عمّان - بترا", "عمّان", "petra", (), None, "dateline"),
    ("دمشق - سانا", "دمشق", "sana", (), None, "dateline"),
    ("المنامة - بنا", "المنامة", "bna", (), None, "dateline"),
    ("بكين - شينخوا", "بكين", "xinhua", (), None, "dateline"),
    ("برلين - د ب أ", "برلين", "dpa", (), None, "dateline"),
    ("القدس: «الشرق الأوسط»", "القدس", None, ("aawsat",), None, "dateline"),
    ("«الاقتصادية» من الرياض", "الرياض", None, ("aleqtisadiah",), None, "dateline"),
    ("سبق- الرياض:", "الرياض", None, ("sabq",), None, "dateline"),
    ("سبق - جدة: أعلنت أمانة المحافظة", "جدة", None, ("sabq",), None, "dateline"),
    # A publisher and the agency it carries, no city: the agency's credit, not a dateline.
    ("الوئام - الاناضول:", None, "anadolu", ("alweeam",), None, "agency"),
    ("الوئام - رويترز:", None, "reuters", ("alweeam",), None, "agency"),
    ("الدوحة ـ قنا", "الدوحة", "qna", (), None, "dateline"),
    ("بكين 13 مارس (شينخوا) -- دخل خط جديد للقطارات الخدمة", "بكين", "xinhua", (), None, "dateline"),
    ("الكويت - 14 - 3 (كونا) -- بحثت وزارة التربية مع وفد", "الكويت", "kuna", (), None, "dateline"),
    ("أبوظبي في 15 مارس / وام / أطلقت دولة الإمارات استراتيجية", "أبوظبي", "wam", (), None, "dateline"),
    ("دمشق-سانا أطلقت وزارة التربية حملة لترميم عشرات المدارس", "دمشق", "sana", (), None, "dateline"),
    ("الاقتصادية من دبي", "دبي", None, ("aleqtisadiah",), None, "dateline"),
    ("بقلم: د. هند الراشد", None, None, (), "د. هند الراشد", "byline"),
    ("عكاظ", None, None, ("okaz",), None, "dateline"),  # the paper's name, a line of its own
    ("عبدالرحمن جمال - جدة", "جدة", None, (), "عبدالرحمن جمال", "byline"),
    ("حسن باسويد (جدة)", "جدة", None, (), "حسن باسويد", "byline"),
    ("عبدالله البرقاوي-سبق-الرياض:", "الرياض", None, ("sabq",), "عبدالله البرقاوي", "byline"),
    ("الرياض، تحقيق - علي الحضان", "الرياض", None, (), "علي الحضان", "byline"),
    ("واشنطن: محمد علي صالح", "واشنطن", None, (), "محمد علي صالح", "byline"),
    ("القاهرة - وكالات:", "القاهرة", None, (), None, "dateline"),
    ("بيروت - وكالات - قالت مصادر", "بيروت", None, (), None, "dateline"),
]


@pytest.mark.parametrize(("line", "city", "agency", "publishers", "byline", "kind"), HEADERS)
def test_header_forms(
    line: str, city: str | None, agency: str | None, publishers: tuple[str, ...], byline: str | None, kind: str
) -> None:
    found = READER.header(line)
    assert found is not None, line
    assert (found.city, found.agency, found.byline, found.kind) == (city, agency, byline, kind)
    assert set(publishers) <= set(found.publishers)
    assert found.credits


@pytest.mark.parametrize(
    "line",
    [
        # Body text: a verb, a long clause, a quotation or a name with no city ends the header at once.
        "قال وزير الخارجية إن بلاده مستعدة للحوار",
        "أكد الرئيس - في كلمة ألقاها أمس - أن الحكومة ماضية في خططها",
        "محمد بن سلمان - ولي العهد - يستقبل الوفد في قصر اليمامة",
        "«نحن مستعدون للحوار» قال الوزير في مؤتمر صحفي",
        "عاجل: انقطاع الكهرباء في عدة أحياء",
        "المنوعات",
    ],
)
def test_body_text_is_no_attribution(line: str) -> None:
    found = READER.header(line)
    assert found is None or not found.credits, found


@pytest.mark.parametrize(
    ("line", "city"),
    [
        ("واشنطن: قال الرئيس الأمريكي إن بلاده لن تتراجع عن قرارها", "واشنطن"),
        ("غزة - أعلنت وزارة الصحة أن عدد الجرحى ارتفع", "غزة"),
    ],
)
def test_a_city_alone_is_a_dateline_with_no_credit(line: str, city: str) -> None:
    found = READER.header(line)
    assert found is not None and found.city == city and not found.credits


def test_a_section_name_is_never_a_city() -> None:
    found = READER.header("المنوعات - الوئام: أقيم أمس مهرجان للتراث الشعبي")
    assert found is not None and found.city is None and "alweeam" in found.publishers
    assert found.sections == ("المنوعات",)


@pytest.mark.parametrize(
    ("line", "agency"),
    [
        ("وأضاف أن المشروع سيكتمل العام المقبل. (واس)", "spa"),
        ("وأضاف أن المشروع سيكتمل العام المقبل (أ ف ب).", "afp"),
        ("وأشار إلى أن العمل مستمر. [رويترز]", "reuters"),
    ],
)
def test_an_agency_closing_a_paragraph(line: str, agency: str) -> None:
    found = READER.closing_agency(line)
    assert found is not None and found.agency == agency


def test_a_parenthesis_closing_a_paragraph_is_not_always_an_agency() -> None:
    assert READER.closing_agency("وارتفع المؤشر بنسبة كبيرة (3 في المئة).") is None


def _article(*lines: str) -> dict[str, object]:
    text = "\n".join(["عنوان الخبر عن افتتاح المشروع الجديد", *lines]) + "\n"
    return parse_article(text.encode(), file="a.txt", registry=REGISTRY).article


BODY = "أعلنت الجهات المختصة اليوم عن افتتاح المشروع الجديد الذي يخدم آلاف السكان في المنطقة."


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # The Saudi layout: title, an attribution line of its own, then the body.
        (["الوئام - رويترز:", BODY], {"outlet": "alweeam", "agency": "reuters", "source_kind": "agency"}),
        (["أبها - الجزيرة:", BODY], {"outlet": "al-jazirah", "agency": None, "dateline": "أبها"}),
        (["عبدالرحمن جمال - جدة", BODY], {"byline": "عبدالرحمن جمال", "source_kind": "byline", "agency": None}),
        (["واس", BODY], {"agency": "spa", "source_kind": "agency"}),
        ([BODY, "وأضاف أن المشروع سيكتمل العام المقبل. (واس)"], {"agency": "spa", "source_kind": "agency"}),
        (["المنوعات - الوئام:", BODY], {"outlet": "alweeam", "dateline": None}),
        (["الرياض - " + BODY], {"dateline": "الرياض", "source_kind": None, "agency": None}),
    ],
)
def test_articles_in_the_saudi_layout(lines: list[str], expected: dict[str, object]) -> None:
    article = _article(*lines)
    assert {key: article[key] for key in expected} == expected


_PIECES = [
    "لندن",
    "الرياض",
    "رويترز",
    "واس",
    "سبق",
    "«",
    "»",
    "(",
    ")",
    "-",
    "ـ",
    ":",
    "،",
    ".",
    "د.",
    "13",
    "مارس",
    "من",
    "محمد",
    "علي",
    "/",
    "[",
    "]",
    "المنوعات",
    "وكالات",
    "ا",
    "x",
    " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=300))
def test_the_reader_never_raises_and_never_quotes_what_is_not_there(line: str) -> None:
    """On any line: no exception, and an attribution's text is a prefix (as found) of the line."""
    for found in (READER.header(line), READER.credit_line(line), READER.closing_agency(line)):
        if found is not None:
            assert found.text.strip() in line
            assert found.city is None or found.city in line
