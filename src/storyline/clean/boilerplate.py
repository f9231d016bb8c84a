"""Paragraph-level boilerplate rules: what in a news body is not the article.

Each rule looks at one paragraph and names a reason, or returns ``None``. They are written from
the furniture news sites wrap around wire copy, not from any one article's wording:

- ``newsletter``: sign-up and subscription blocks ("sign up to our ... emails", "enter a valid
  email address", "privacy policy"), recognised by several such signals in one paragraph;
- ``caption``: photo captions, which end in a credit — ``(Name/AP)``, ``(Name, Pool/AP)``,
  ``Photo: Reuters``, ``(AFP via Getty Images)`` — or start with a label such as ``File Photo:``;
- ``credit``: stand-alone credit lines ("Photo: Reuters", "Reporting by ...; Editing by ...",
  "Copyright 2024 The Associated Press. All rights reserved.");
- ``syndication``: notices that the story comes from a feed or another publisher;
- ``promo``: share, follow, "read more" and advert lines.
"""
from __future__ import annotations

import re

# --- newsletter / sign-up -------------------------------------------------------------------
_SIGNUP_SIGNALS = [re.compile(p, re.IGNORECASE) for p in (
    r"\bsign(?:ing)?[ -]?up\b",
    r"\bsubscri(?:be|bing|ption)\b",
    r"\bnewsletters?\b",
    r"\be-?mail address\b",
    r"\binbox\b",
    r"\bprivacy (?:policy|notice)\b",
    r"\bunsubscribe\b",
    r"\b(?:be )?e-?mailed about\b",
    r"\balready (?:have an account|a subscriber)\b",
    r"\blog ?in\b|\bregister\b",
    r"\bbreaking news (?:alerts|emails)\b",
    r"\bterms (?:of use|and conditions|of service)\b",
)]
# Any one signal: most paragraphs have none, and one scan tells so faster than twelve.
_ANY_SIGNUP_SIGNAL = re.compile("|".join(f"(?:{rx.pattern})" for rx in _SIGNUP_SIGNALS), re.IGNORECASE)
# A paragraph with this many distinct signals is a sign-up block, whatever its length up to
# _SIGNUP_MAX_WORDS; a short paragraph needs fewer.
_SIGNUP_MIN_SIGNALS = 3
_SIGNUP_MAX_WORDS = 150
_SIGNUP_SHORT_WORDS = 30

# --- captions and credits -------------------------------------------------------------------
_AGENCIES = (r"AP|AFP|Reuters|Getty(?: Images)?|EPA(?:-EFE)?|PA(?: Wire| Media)?|Pool|Bloomberg|Xinhua|"
             r"Anadolu(?: Agency)?|Shutterstock|Alamy|UPI|DPA|ANSA|Sipa|NurPhoto|SOPA Images|Reuters TV|"
             r"Handout|File|AAP|IANS|PTI|ANI|WAFA|TASS|Sputnik|Yonhap|Kyodo|Ritzau|NTB|TT|Zuma(?: Press)?")
# "... (Tsafrir Abayov/AP)", "(Mark Schiefelbein, Pool/AP)", "(AFP via Getty Images)", "(Reuters)"
_TRAILING_CREDIT = re.compile(
    r"\((?:[^()]{0,80}/\s*(?:" + _AGENCIES + r")[^()]{0,40}|[^()]{0,60}\bvia (?:Getty Images|Reuters|AP|AFP)[^()]{0,20}"
    r"|(?:" + _AGENCIES + r")(?:\s*/\s*[^()]{1,40})?)\)\s*$"
)
# "Photo: Reuters", "Photograph: Ahmad Gharabli/AFP/Getty Images", "Image credit: ..."
_CREDIT_LABEL = re.compile(
    r"(?:^|[.!?]\s+)(?:File )?(?:Photo(?:graph)?s?|Pictures?|Images?|Credit|Video|Illustration)"
    r"(?: credit| by)?\s*:\s*[^.:]{1,80}\.?\s*$",
    re.IGNORECASE,
)
# A caption that opens with a label: "File Photo: ...", "FILE - ...", "Pictured: ..."
_LEADING_CAPTION = re.compile(
    r"^(?:File Photo|FILE PHOTO|FILE|Photo|Photograph|Picture|Image|Caption|Pictured|Above|Top|Main image)\s*[:\-–—]\s",
)
_CREDIT_LINE = re.compile(
    r"^\(?(?:(?:Additional )?Reporting by|Writing by|Editing by|Compiled by|Produced by|Graphics? by)\b[^\n]{0,300}$"
    r"|^(?:Copyright|©|\(c\))\s*(?:\d{4}\s*)?[^\n]{0,120}(?:All rights reserved|Associated Press|Reuters|AFP|Agence France-Presse)[^\n]{0,60}$"
    r"|^[^\n]{0,120}\bcontributed (?:to )?(?:this )?report(?:ing)?\b[^\n]{0,60}$",
    re.IGNORECASE,
)

# --- syndication ----------------------------------------------------------------------------
_SYNDICATION = re.compile(
    r"syndicated feed|wire (?:agency )?feed|has not been edited by|without modifications? to the text"
    r"|(?:originally|first) (?:published|appeared) (?:on|in|by|at)\b|is republished from|republished with permission"
    r"|distributed by [A-Z][\w ]+(?:Agency|Service|Syndicate)|auto-generated from a syndicated",
    re.IGNORECASE,
)
_SYNDICATION_MAX_WORDS = 60
_EDITED_BY_OUTLET = re.compile(r"edited by ([A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3}) staff")

# --- promo ----------------------------------------------------------------------------------
_PROMO = re.compile(
    r"^(?:Share (?:this|on)\b|Follow (?:us|@)\b|Click here\b|Read (?:more|next|also)\s*[:|]|Related(?: stories| articles| coverage)?\s*:"
    r"|Advertisement$|ADVERTISEMENT$|Story continues below|Listen to (?:this )?article|Download (?:the|our) app"
    r"|Watch\s*:|WATCH\s*:|Recommended\s*:|Most (?:read|popular)\s*:?$|Skip (?:to|Advertisement))",
)
_PROMO_MAX_WORDS = 25


def classify(paragraph: str) -> str | None:
    """The reason a paragraph is boilerplate, or ``None`` if it belongs to the article."""
    words = len(paragraph.split())
    if _is_signup(paragraph, words):
        return "newsletter"
    if words <= _SYNDICATION_MAX_WORDS and _SYNDICATION.search(paragraph):
        return "syndication"
    if _CREDIT_LINE.match(paragraph):
        return "credit"
    if _is_caption(paragraph, words):
        return "caption"
    if words <= _PROMO_MAX_WORDS and _PROMO.match(paragraph):
        return "promo"
    return None


def _is_signup(p: str, words: int) -> bool:
    if words > _SIGNUP_MAX_WORDS or not _ANY_SIGNUP_SIGNAL.search(p):
        return False
    hits = sum(1 for rx in _SIGNUP_SIGNALS if rx.search(p))
    return hits >= _SIGNUP_MIN_SIGNALS or (words <= _SIGNUP_SHORT_WORDS and hits >= 2)


def _is_caption(p: str, words: int) -> bool:
    if words > 80:
        return False
    if _TRAILING_CREDIT.search(p) or _CREDIT_LABEL.search(p):
        # a body sentence ending in a quotation never carries a photo credit
        return True
    return bool(_LEADING_CAPTION.match(p)) and words <= 80


def outlet_from_notice(paragraph: str) -> str | None:
    """The outlet named by a syndication notice ("... not been edited by NDTV staff ...")."""
    m = _EDITED_BY_OUTLET.search(paragraph)
    return m.group(1) if m else None
