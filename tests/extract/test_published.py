"""Publication dates inferred from undated articles: right when the clues agree, None otherwise."""
from __future__ import annotations

from datetime import date

from storyline.extract.published import infer_published

TODAY = date(2026, 1, 15)

# A truce that began on a year-less date, a span counted from it ending on a named weekday, and the
# reporting day named again and again. No year anywhere: the most recent agreeing year is taken.
TRUCE = """The ceasefire between the two armies is due to expire on Sunday, mediators said on Saturday.

The pause in fighting, which began on March 2, was extended twice. With the truce set to end on Sunday \
after a fourteen-day lull, both sides accused each other of violations.

Aid convoys crossed the border on Friday night, and a further 40 trucks were expected on Saturday, \
officials said. "We need more time," a UN coordinator said Saturday."""

# An explicit dated birth and an age at a weekday event nearby.
BIRTH = """A newborn whose mother died of the virus last week has also died, the family said.

The boy was born on 3 March 2014 in the city's main hospital.

He died on Saturday in intensive care. He was three weeks old.

His father said the hospital staff had "done everything they could"."""

# A page whose own date line carries its weekday.
DATED_PAGE = """Thursday, November 13, 2008

Stocks fell sharply on Thursday as retailers reported their worst month in decades. On Wednesday the \
index had gained 2 percent."""

# A wire dateline; the weekday mentioned agrees with it in 2011.
DATELINE = """CAIRO, Feb 1 (Reuters) - Hundreds of thousands of protesters marched in Cairo on Tuesday, \
the biggest rally since the unrest began in 2011, witnesses said."""


def test_truce_span_and_weekdays_fix_the_day_and_the_most_recent_year():
    # March 2 + 14 days = March 16, a Sunday in 2025; published the Saturday before
    assert infer_published(TRUCE, today=TODAY) == "2025-03-15"


def test_truce_year_is_not_assumed_when_recency_is_off():
    assert infer_published(TRUCE, today=TODAY, assume_recent=False) is None


def test_age_counted_from_a_dated_birth():
    # 3 March 2014 + 3 weeks = Monday 24 March 2014; the text says Saturday: no agreement
    assert infer_published(BIRTH, today=TODAY) is None
    agreeing = BIRTH.replace("He died on Saturday", "He died on Monday")
    assert infer_published(agreeing, today=TODAY) == "2014-03-24"


def test_a_date_written_with_its_weekday():
    assert infer_published(DATED_PAGE, today=TODAY) == "2008-11-13"


def test_a_wire_dateline_confirmed_by_a_weekday():
    assert infer_published(DATELINE, today=TODAY) == "2011-02-01"
    assert infer_published(DATELINE.replace("Tuesday", "Thursday"), today=TODAY) is None


def test_weekdays_alone_or_dates_alone_are_not_enough():
    assert infer_published("Police said on Monday that two men were arrested on Sunday.", today=TODAY) is None
    assert infer_published("The agreement was signed on 12 May 2019 in Geneva.", today=TODAY) is None
    assert infer_published("", today=TODAY) is None


def test_never_after_today():
    assert infer_published(DATED_PAGE, today=date(2008, 11, 1)) is None
