"""What each line of a scraped article is: title, date, credit, caption, body, tweet, boilerplate..."""

from __future__ import annotations

import re
from typing import Final

from expectations.columns import ROLES
from expectations.ids import Code
from provenance.parsing.textnorm import normalize_key

__all__ = ["BODY_ROLES", "ROLES", "classify"]
# Roles whose lines are the article's own text: only these can be duplicate paragraphs.
BODY_ROLES: Final = frozenset({"body"})

_PHOTO_BANK = "الانتقال إلى بنك الصور"  # Sputnik's "go to photo bank" link text
_GLUED = re.compile(re.escape(_PHOTO_BANK) + r"(?=\w)")
_EMBED = "تضمين التغريدة"  # "embedded tweet"; every other _TWEET marker holds ".com/"
_TWEET = re.compile(r"pic\.twitter\.com/|twitter\.com/\w+/status|" + _EMBED + r"|x\.com/\w+/status")
# "– Name (Handle) 11 فبراير 2022": the attribution under an embedded tweet.
_TWEET_BYLINE = re.compile(r"^[–—-]\s*.{1,80}\((?:@)?[A-Za-z0-9_]{1,30}\)\s*.{0,12}\d{4}\s*$")
_RELATED = tuple(
    normalize_key(s)
    for s in (
        "المزيد عن هذا الموضوع",
        "اقرأ أيضا",
        "اقرأ المزيد",
        "مواضيع ذات صلة",
        "اخبار ذات صلة",
        "Read more",
        "Related",
    )
)
_SOURCE = tuple(normalize_key(s) for s in ("المصدر", "Source link", "Source", "مصدر الخبر"))
# One regex per list: a key equal to a marker or starting with it and a space.
_RELATED_START = re.compile("(?:" + "|".join(re.escape(m) for m in _RELATED) + ")(?: |$)")
_SOURCE_START = re.compile("(?:" + "|".join(re.escape(m) for m in _SOURCE) + ")(?: |$)")
_BOILERPLATE = frozenset(
    normalize_key(s)
    for s in (
        "Facebook Comments Box",
        "Facebook Comments",
        "Share",
        "Share this",
        "شارك",
        "شارك الخبر",
        "تابعونا",
        "Advertisement",
        "إعلان",
        "Follow us",
        "Print",
        "طباعة",
        "اشترك في النشرة",
        "Comments",
        "التعليقات",
        "Tags",
        "الوسوم",
        "كلمات مفتاحية",
        "Subscribe",
        "Loading",
        "جاري التحميل",
    )
)


def classify(text: str, key: str) -> tuple[str, str | None]:
    """The role of a non-title, non-date line, and a layout problem code if the line shows one.

    `key` is normalize_key(text), computed once by the caller.
    """
    stripped = text.strip()
    if _PHOTO_BANK in stripped:
        return "caption", (Code.LAYOUT_GLUED_CAPTION if _GLUED.search(stripped) else None)
    if stripped.startswith("©"):
        return "credit", None
    if ((".com/" in stripped or _EMBED in stripped) and _TWEET.search(stripped)) or _TWEET_BYLINE.match(stripped):
        return "tweet", None
    if key in _BOILERPLATE:
        return "boilerplate", None
    if _RELATED_START.match(key):
        return "related", None
    if len(key) <= 80 and _SOURCE_START.match(key):
        return "source", None
    if stripped.startswith("/ "):
        return "body", Code.LAYOUT_STRAY_SLASH
    return "body", None
