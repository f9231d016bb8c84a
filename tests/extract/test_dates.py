"""Date expressions resolved against the publication date, on hand-written news articles."""
from __future__ import annotations

import time

from storyline.extract.dates import extract_dates
from storyline.model import Article

# Published Friday 2025-08-22.
FLOOD_REPORT = """Rescue teams pulled three more survivors from the mud on Thursday night as the death toll from \
the floods in the northern valley rose to 41, officials said.

The river burst its banks on Monday after record rainfall, and a second surge on Wednesday swept away \
the main bridge. Last Saturday, forecasters had warned of "an exceptional event".

Regional governor Ana Petrova said on Friday that the emergency budget approved last month would be \
doubled. The valley last flooded on 7 October 2023, when 12 people died.

Engineers will inspect the dam on Tuesday, and the army said a temporary bridge is expected to open \
next Monday. Schools will reopen on September 1, the education office said.

The disaster comes 22 months after the last major flood and a seven-day pause in rescue work would \
be "unthinkable", Petrova said. The region has spent 1,200 days rebuilding since 2019."""


def _dates(text: str, published: str | None) -> dict[str, list[str]]:
    art = Article(id="t", source="t.txt", text=text, published=published)
    out: dict[str, list[str]] = {}
    for d in extract_dates(art):
        assert art.text[d.span.start:d.span.end] == d.text
        out.setdefault(d.text, []).append(d.value)
    return out


def test_weekdays_resolve_to_the_recent_past_and_the_publication_day():
    got = _dates(FLOOD_REPORT, "2025-08-22")
    assert got["Thursday night"] == ["2025-08-21"]
    assert got["Monday"] == ["2025-08-18"]
    assert got["Wednesday"] == ["2025-08-20"]
    assert got["Last Saturday"] == ["2025-08-16"]
    assert got["Friday"] == ["2025-08-22"]  # the article's own weekday is the day itself


def test_future_tense_and_next_point_forward():
    got = _dates(FLOOD_REPORT, "2025-08-22")
    assert got["Tuesday"] == ["2025-08-26"]
    assert got["next Monday"] == ["2025-08-25"]
    assert got["September 1"] == ["2025-09-01"]


def test_relative_months_explicit_dates_and_years():
    got = _dates(FLOOD_REPORT, "2025-08-22")
    assert got["last month"] == ["2025-07"]
    assert got["7 October 2023"] == ["2023-10-07"]
    assert got["2019"] == ["2019"]


def test_durations_and_counts_are_not_dates():
    got = _dates(FLOOD_REPORT, "2025-08-22")
    texts = " | ".join(got)
    assert "22 months" not in texts and "seven-day" not in texts
    assert "1,200" not in texts and "41" not in texts


# Published Monday 2024-06-10 (British and American styles mixed, as wire copy is).
CEASEFIRE = """Negotiators met in Doha on Sunday, eight months after the war broke out on October 7.

The talks, first proposed on 2 May, stalled in mid-May. A previous round in March 2024 collapsed, \
and an earlier truce agreed in November lasted a week.

"We hope to have an answer tomorrow," a mediator told reporters yesterday. A vote in parliament is \
scheduled for June 14, and the mediator said the deal would be signed before July 4.

Officials said the first of June 2024 had been the deadliest day since 2014. The army chief, who \
retired 21 years ago, said he was consulted earlier this month. Later this year, elections will \
be held; last year turnout was 61%."""


def test_year_less_days_take_the_most_recent_past_or_the_coming_one():
    got = _dates(CEASEFIRE, "2024-06-10")
    assert got["Sunday"] == ["2024-06-09"]
    assert got["October 7"] == ["2023-10-07"]
    assert got["2 May"] == ["2024-05-02"]
    assert got["mid-May"] == ["2024-05"]
    assert got["November"] == ["2023-11"]
    assert got["June 14"] == ["2024-06-14"]
    assert got["July 4"] == ["2024-07-04"]


def test_days_months_and_years_relative_to_publication():
    got = _dates(CEASEFIRE, "2024-06-10")
    assert got["tomorrow"] == ["2024-06-11"]
    assert got["yesterday"] == ["2024-06-09"]
    assert got["March 2024"] == ["2024-03"]
    assert got["the first of June 2024"] == ["2024-06-01"]
    assert got["2014"] == ["2014"]
    assert got["21 years ago"] == ["2003"]
    assert got["earlier this month"] == ["2024-06"]
    assert got["Later this year"] == ["2024"]
    assert got["last year"] == ["2023"]


def test_week_level_and_vague_expressions_are_left_out():
    text = "Last week the minister resigned. A few months ago, prices rose. Over the last year, 300 firms closed."
    got = _dates(text, "2024-06-10")
    assert got == {}


def test_without_publication_date_only_absolute_expressions_resolve():
    got = _dates(CEASEFIRE, None)
    assert got["March 2024"] == ["2024-03"]
    assert got["the first of June 2024"] == ["2024-06-01"]
    assert "Sunday" not in got and "October 7" not in got and "yesterday" not in got


def test_abbreviated_months_and_wire_forms():
    text = ("The dividend is payable Dec. 15 to holders of record Nov. 17. The company was founded "
            "in Sept. 1998 and listed on Oct. 3, 2001. Trading resumes Jan. 2.")
    got = _dates(text, "2001-10-26")
    assert got["Dec. 15"] == ["2001-12-15"]  # days ahead, no past tense: the coming one
    assert got["Nov. 17"] == ["2001-11-17"]
    assert got["Sept. 1998"] == ["1998-09"]
    assert got["Oct. 3, 2001"] == ["2001-10-03"]


def test_may_the_verb_and_march_the_noun_are_not_months():
    text = ("Protesters may march to the square. The March was peaceful, but officials may 20 ask for "
            "help. Elections are due in May.")
    got = _dates(text, "2011-02-10")
    assert list(got) == ["May"]
    assert got["May"] == ["2011-05"]


def test_numbers_that_are_not_years():
    text = ("About 2000 people marched, and 1500 troops were deployed at 1900 GMT. Shares rose to 2082 "
            "points. The plan runs until 2030, and the 2010 budget was cut.")
    got = _dates(text, "2009-06-17")
    assert set(got) == {"2030", "2010"}


def test_weekday_given_with_a_year_less_date_picks_the_year():
    text = "The Times said in an editorial on Saturday, April 25, that the court erred."
    got = _dates(text, "1998-04-24")
    assert got["Saturday, April 25"] == ["1998-04-25"]


def test_fast_enough_for_a_long_article():
    text = "\n\n".join([FLOOD_REPORT, CEASEFIRE] * 4)
    art = Article(id="t", source="t.txt", text=text, published="2024-06-10")
    extract_dates(art)
    start = time.perf_counter()
    for _ in range(5):
        extract_dates(Article(id="t", source="t.txt", text=text + " ", published="2024-06-10"))
    assert (time.perf_counter() - start) / 5 < 0.05
