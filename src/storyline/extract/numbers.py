"""Numbers as news prose writes them: digits, words, scales, money and percentages.

``find_numbers(text)`` returns every number expression of a text with its value, in text order:

- digits with thousands separators and decimals: "62,192", "1.81", "2.3 million", "2.3m";
- number words, compounded and scaled: "seven", "Thirty-one", "two hundred and fifty",
  "one million", "a dozen", "half a million"; vague amounts ("dozens", "thousands", "tens of
  thousands") are not numbers and are left alone;
- money with a currency sign or code before ("$400m", "£314m", "US$5 billion", "€1.2bn",
  "USD 20 million") or a currency word after ("700 billion dollars", "5 million euros"); the unit
  is an ISO 4217 code;
- percentages: "80%", "80 percent", "80 per cent", "80 pct" (unit ``"percent"``).

Number matches never start inside a word or a code: "H1N1", "C-130", "1st", "1990s", "seven-day"
and "25-year-old" are not numbers here, since a hyphen or letter glued to a number makes a
modifier or a name, not a count.

Why not a library: quantulum3 (measured 60-145 ms an article) reads "$400m" as dollar-metre and
keeps no qualifiers; this grammar uses only the standard library and costs well under a
millisecond per article.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..budget import check

# ---------------------------------------------------------------------------------------------
# Vocabulary

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}
# Abbreviated scales glued to digits: "$400m", "£1.2bn", "2.3m people", "$5tn", "50k".
_ABBREV_SCALES = {
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12,
}

# Currency signs and codes written before the amount, longest first.
_CURRENCY_PREFIXES = {
    "us$": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD",
    "ca$": "CAD", "cad": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "£": "GBP",
    "gbp": "GBP", "€": "EUR", "eur": "EUR", "¥": "JPY", "jpy": "JPY", "₹": "INR", "rs": "INR",
    "rs.": "INR", "inr": "INR", "₪": "ILS", "nis": "ILS", "chf": "CHF", "cny": "CNY", "rmb": "CNY",
}
# Currency words written after the amount.
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD",
    "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP",
    "euro": "EUR", "euros": "EUR", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "rupees": "INR", "shekel": "ILS", "shekels": "ILS", "new shekels": "ILS",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "riyal": "SAR",
    "riyals": "SAR", "dinar": "IQD", "dinars": "IQD", "swiss francs": "CHF", "francs": "CHF",
    "lira": "TRY", "pesos": "MXN",
}

# ---------------------------------------------------------------------------------------------
# Grammar

_WORD_NUM = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_SCALE_WORD = "hundred|thousand|million|billion|trillion"
# "thirty-one", "twenty one"
_WORD_BASE = rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(k for k in _UNITS if _UNITS[k] and _UNITS[k] < 10)}))?|{_WORD_NUM})"
# "two hundred and fifty thousand", "one million", "a dozen", "half a million", "a hundred"
_WORDS = rf"""(?:
    (?:half\s+a\s+(?:dozen|{_SCALE_WORD}))
  | (?:a\s+(?:dozen|hundred|thousand|million|billion)(?:\s+(?:{_SCALE_WORD}))?)
  | (?:{_WORD_BASE}(?:\s+(?:{_SCALE_WORD})(?:\s+(?:and\s+)?{_WORD_BASE})?)*)
)"""
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_DIGITS_SCALED = rf"""(?:{_DIGITS}
    (?:((?:{'|'.join(sorted(_ABBREV_SCALES, key=len, reverse=True))}))(?![A-Za-z])
      |\s+(?:{_SCALE_WORD})(?:\s+(?:{_SCALE_WORD}))?)?)"""
_CUR_PREFIX = "|".join(re.escape(k) for k in sorted(_CURRENCY_PREFIXES, key=len, reverse=True))
_CUR_WORD = "|".join(re.escape(k) for k in sorted(_CURRENCY_WORDS, key=len, reverse=True))

_NUMBER = re.compile(
    rf"""
    (?<![\w/.,:$£€¥₹₪])             # not inside a word, fraction, time or longer number
    (?<![A-Za-z]-)                  # nor a code ("C-130", "Covid-19")
    (?:
        (?P<cur>{_CUR_PREFIX})\s?(?P<camount>{_DIGITS_SCALED})
      | (?P<amount>{_DIGITS_SCALED}|{_WORDS})
        (?:\s*(?P<pct>%|per\s?cent\b|percent\b|pct\b)
          | \s+(?P<curword>{_CUR_WORD})\b
        )?
    )
    (?![\w/]|-(?!\d)|[.,:]\d)       # not glued to a word ("1st", "seven-day", "H1N1")
    """,
    re.VERBOSE | re.IGNORECASE,
)
_OF_AFTER = re.compile(r"\s+of\b")
_CHAIN_BEFORE = re.compile(r"\d-\d+-$")
_CHAIN_AFTER = re.compile(r"-\d+-\d")
_DIGIT_HYPHEN = re.compile(r"\d-$")


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One number expression: ``[start, end)`` into the text, its value and kind.

    ``kind`` is ``"money"``, ``"percent"`` or ``"count"``. ``digits`` says it was written in
    digits (years and times are digit forms); ``scaled`` says a scale word or suffix was applied.
    """

    start: int
    end: int
    value: float
    kind: str
    unit: str | None
    digits: bool
    scaled: bool
    text: str


def find_numbers(text: str) -> list[NumberMatch]:
    """All number expressions of ``text``, in text order."""
    out = []
    for m in _NUMBER.finditer(text):
        check()
        if _CHAIN_BEFORE.search(text, max(0, m.start() - 12), m.start()) or (
                _CHAIN_AFTER.match(text, m.end())) or (
                text.startswith("-", m.end()) and _DIGIT_HYPHEN.search(text, max(0, m.start() - 2),
                                                                      m.start())):
            continue  # part of "1-202-501-4444": a phone number or a code, not a range
        amount = m.group("camount") or m.group("amount")
        value, scaled = parse_amount(amount)
        if value is None:
            continue
        kind, unit = "count", None
        if m.group("cur"):
            kind, unit = "money", _CURRENCY_PREFIXES[m.group("cur").lower()]
        elif m.group("curword"):
            word = " ".join(m.group("curword").lower().split())
            if word.startswith("pound") and _OF_AFTER.match(text, m.end()):
                # "500 pounds of explosives" is a weight: the number alone
                end = m.end("amount")
                out.append(NumberMatch(m.start(), end, value, "count", None, amount[0].isdigit(),
                                       scaled, text[m.start():end]))
                continue
            kind, unit = "money", _CURRENCY_WORDS[word]
        elif m.group("pct"):
            kind, unit = "percent", "percent"
        if kind == "money" and m.group("cur") and m.group("cur").isalpha() and m.group("cur").islower():
            continue  # "usd"/"rs" written in lower case is not a currency code
        digits = amount[0].isdigit()
        out.append(NumberMatch(m.start(), m.end(), value, kind, unit, digits, scaled, m.group()))
    return out


# Larger than any count or sum news reports (world GDP is ~1e14 dollars): a longer number is noise.
MAX_VALUE = 1e16


def parse_amount(s: str) -> tuple[float | None, bool]:
    """The value of a digit or word amount ("2.3 million", "$400m" without the sign, "thirty-one")
    and whether a scale was applied; ``(None, False)`` if it is not a number."""
    s = s.strip()
    if s[:1].isdigit():
        m = re.match(_DIGITS, s)
        value = float(m.group().replace(",", ""))
        rest = s[m.end():].strip().lower()
        scaled = False
        if rest in _ABBREV_SCALES:
            value, scaled = value * _ABBREV_SCALES[rest], True
        else:
            for word in rest.split():
                if word in _SCALES:
                    value *= _SCALES[word]
                    scaled = True
        if not math.isfinite(value) or value > MAX_VALUE:
            return None, False  # a runaway digit string is no figure
        return value, scaled
    return parse_number_words(s)


def parse_number_words(s: str) -> tuple[float | None, bool]:
    """The value of number words ("two hundred and fifty", "a dozen", "half a million")."""
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    if not words:
        return None, False
    if words[0] == "half" and len(words) == 3:
        big = 12 if words[2] == "dozen" else _SCALES.get(words[2])
        return (big / 2, True) if big else (None, False)
    total, current, scaled = 0.0, 0.0, False
    for w in words:
        if w == "a":
            current = 1
        elif w == "dozen":
            current = (current or 1) * 12
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
            scaled = True
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
            scaled = True
        else:
            return None, False
    return total + current, scaled
