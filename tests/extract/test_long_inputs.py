"""Long sentences and paragraphs follow the same rules as short ones.

Live blogs, transcripts and casualty lists put dozens of figures or quotations into one sentence or
paragraph. The extractors look things up in indexes built once per sentence or article (rather than
scanning the sentence again for every item), and these tests pin what the rules give on such input:
every member of a long list inherits the category and source, every quotation of a long run gets the
closing attribution, every date of a long timeline keeps its weekday.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from storyline.extract import extract
from storyline.extract.published import infer_published
from storyline.model import Article

GROUPS = ["children", "women", "medics", "journalists", "police officers", "aid workers", "teachers",
          "students", "farmers", "nurses"]


def _extract(text: str, published: str | None = None):
    x = extract(Article(id="t", source="t.txt", text=text, published=published))
    for f in x.figures:
        assert text[f.span.start:f.span.end] == f.text
    for q in x.quotes:
        assert text[q.span.start:q.span.end] == q.text
    return x


def test_every_member_of_a_long_casualty_list_inherits_the_category_and_the_source():
    members = ", ".join(f"{i + 2} {GROUPS[i % len(GROUPS)]}" for i in range(60))
    text = (f"The shelling of the city over the weekend killed 512 people, including {members} and 7 "
            "firefighters, the regional health ministry said on Monday.")
    x = _extract(text, "2024-03-04")
    assert len(x.figures) == 62
    assert Counter(f.category for f in x.figures) == {"killed": 62}
    assert {f.source for f in x.figures} == {"regional health ministry"}
    assert [f.value for f in x.figures[1:4]] == [2, 3, 4]


def test_each_figure_of_a_long_sentence_keeps_its_own_governing_verb():
    text = ("The flooding forced 2,000 people from their homes in Sindh, forced 1,500 people from their homes "
            "in Punjab and forced 700 people to flee, while 12 people were killed and 40 injured, officials said.")
    cats = [(f.text, f.category) for f in _extract(text).figures]
    assert cats == [("2,000 people", "displaced"), ("1,500 people", "displaced"), ("700 people", "displaced"),
                    ("12 people", "killed"), ("40 injured", "injured")]


def test_hostages_listed_in_one_sentence_all_take_the_sentence_context():
    text = ("Gunmen are holding 3 hostages in the north building, 4 hostages in the south building, "
            "5 hostages in the east building and 6 hostages in the west building, police said.")
    figs = _extract(text).figures
    assert [(f.value, f.category, f.source) for f in figs] == [
        (3, "held hostage", "police"), (4, "held hostage", "police"), (5, "held hostage", "police"),
        (6, "held hostage", "police")]


def test_a_run_of_quotations_takes_the_attribution_closing_the_sentence():
    text = ('"We have nothing left," "the water took everything," "nobody came to help," said Rosa Mendes, '
            'a farmer who lost her home, and she added that "the river has never been this high."')
    quotes = [(q.text, q.speaker, q.cue) for q in _extract(text).quotes]
    assert quotes == [("We have nothing left,", "Rosa Mendes", "said"),
                      ("the water took everything,", "Rosa Mendes", "said"),
                      ("nobody came to help,", "Rosa Mendes", "said"),
                      ("the river has never been this high.", "Rosa Mendes", "added")]


def test_a_new_clause_of_a_statement_goes_to_its_speaker_not_to_the_nearer_verb():
    text = ('Negotiator Omar Said told reporters on Friday that the rebels had announced ceasefires twice, '
            'but "nobody believes them any more," and "the talks are over."')
    assert [(q.speaker, q.cue) for q in _extract(text).quotes] == [("Omar Said", "told")] * 2


def test_a_long_paragraph_of_quotations_keeps_every_speaker():
    entry = ('"The road to the coast is open again," said Jonas Weber, a driver. "We waited for two days." '
             'Police spokeswoman Ana Ruiz said "the convoy will leave at dawn."')
    text = " ".join([entry] * 150)  # one paragraph of a live blog
    quotes = _extract(text).quotes
    assert len(quotes) == 450
    assert Counter(q.speaker for q in quotes) == {"Jonas Weber": 300, "Ana Ruiz": 150}


def test_each_date_of_a_long_timeline_is_one_mention_with_its_weekday():
    days = [(15 + i, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][i % 7])
            for i in range(7)]
    text = " ".join(f"On {wd}, June {d}, 2009, protesters gathered again in the square, witnesses said."
                    for d, wd in days)
    dates = _extract(text, "2009-06-25").dates
    assert [(m.text, m.value) for m in dates] == [(f"{wd}, June {d}, 2009", f"2009-06-{d}") for d, wd in days]


def test_a_duration_counted_from_a_repeated_anchor_fixes_the_same_day():
    story = ("Born on the first of June 2009, the baby was two weeks old when she died on Monday, "
             "her mother said. ")
    assert infer_published(story, today=date(2024, 1, 1)) == "2009-06-15"
    # the same clues repeated in a long text give the same day
    assert infer_published(story * 300, today=date(2024, 1, 1)) == "2009-06-15"
