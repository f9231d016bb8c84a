"""Near-duplicate detection: syndicated copies are grouped, other articles on the same story are not."""
from __future__ import annotations

import random

from storyline.resolve import duplicates as D

WIRE = """KHARTOUM, June 3 (Wire) - Sudan's army and the paramilitary Rapid Support Forces agreed on Saturday to extend a fragile ceasefire by five days, mediators from Saudi Arabia and the United States said, as fighting continued in parts of the capital.

The truce, brokered at talks in the Red Sea city of Jeddah, was meant to let aid convoys reach hundreds of thousands of civilians trapped in Khartoum and the neighbouring cities of Omdurman and Bahri.

Residents reported air strikes near the airport and heavy gunfire in the south of the city on Friday night, hours before the extension was announced.

"Both sides have committed to respect the humanitarian corridors," the mediators said in a joint statement, adding that violations had been recorded by both parties.

More than 1,800 people have been killed since the conflict began in mid-April, according to a conflict monitoring group, and the United Nations says more than 1.2 million have fled their homes.

Army chief General Abdel Fattah al-Burhan and RSF commander Mohamed Hamdan Dagalo have each accused the other of starting the war, which erupted over plans to merge the paramilitary force into the regular army.

Aid agencies said looting of warehouses and attacks on hospitals had made it almost impossible to deliver food and medicine, and warned that the rainy season would soon cut off roads in the west.

Talks on a permanent ceasefire have stalled, diplomats in Jeddah said, with neither side willing to withdraw from positions it holds in the capital."""

OTHER_SAME_STORY = """Families sheltering in a mosque in Omdurman say they have not seen an aid truck since the fighting in Sudan began seven weeks ago, despite a ceasefire that mediators say was extended on Saturday.

"We drink water from the river and we eat once a day," said Amna Osman, a teacher who fled her home in Khartoum with her four children after a shell hit the house next door.

Doctors at one of the few hospitals still working in the city said they were operating by torchlight because fuel for generators had run out, and that the wounded were arriving on donkey carts.

The army and the Rapid Support Forces blame each other for blocking convoys. The United Nations has appealed for $2.6 billion to help those displaced inside Sudan and in neighbouring Chad and Egypt.

In the western region of Darfur, residents described militias attacking villages and burning markets, raising fears of a return to the ethnic violence of two decades ago.

Aid workers said the rains due later this month would turn the roads of Darfur to mud, making it harder still to reach camps where tens of thousands have gathered with almost nothing."""


def _copy(text: str, headline: str, top: list[str], bottom: list[str], keep: int | None = None) -> str:
    paras = text.split("\n\n")
    if keep is not None:
        paras = paras[:keep]
    return "\n\n".join([headline, *top, *paras, *bottom])


COPY_A = _copy(WIRE, "Sudan truce extended as fighting rages in Khartoum", ["By Wire Staff | Updated 3 June"],
               ["Copyright 2023 Wire Service. All rights reserved. This material may not be published, broadcast, "
                "rewritten or redistributed.", "Read more: Sudan crisis explained"], keep=6)
COPY_B = _copy(WIRE.replace("said on Saturday", "said late on Saturday"), "Sudan's warring sides extend ceasefire",
               [], ["Sign up for our world news newsletter.", "Share this story: Facebook Twitter Email"])


def test_signature_is_deterministic_and_compact():
    a, b = D.signature(WIRE), D.signature(WIRE)
    assert a == b
    assert isinstance(a, bytes) and len(a) == 4 * D.NUM_PERM
    assert D.similarity(a, b) == 1.0


def test_normalisation_ignores_case_punctuation_and_quotes():
    retyped = WIRE.replace('"', "\u201c").replace(",", " ,").upper()
    assert D.similarity(D.signature(WIRE), D.signature(retyped)) == 1.0


def test_syndicated_copies_are_similar_and_other_articles_are_not():
    sig, a, b = D.signature(WIRE), D.signature(COPY_A), D.signature(COPY_B)
    assert D.similarity(sig, a) >= D.THRESHOLD  # headline, byline, copyright added; last 2 paragraphs trimmed
    assert D.similarity(sig, b) >= 0.7  # only boilerplate added
    assert D.similarity(a, b) >= D.THRESHOLD
    other = D.signature(OTHER_SAME_STORY)
    assert D.similarity(sig, other) < 0.1
    assert D.similarity(a, other) < 0.1


def test_band_keys_let_copies_find_each_other():
    keys = D.band_keys(D.signature(WIRE))
    assert len(keys) == D.BANDS == len(set(keys))
    assert all(k[:2].isdigit() and k[2] == ":" for k in keys)
    assert set(keys) & set(D.band_keys(D.signature(COPY_A)))
    assert not set(keys) & set(D.band_keys(D.signature(OTHER_SAME_STORY)))


def test_short_or_empty_texts_are_never_duplicates():
    empty, short = D.signature(""), D.signature("Sudan truce extended")
    assert D.is_empty(empty) and D.is_empty(short)
    assert D.band_keys(empty) == []
    assert D.similarity(empty, short) == 0.0
    assert D.group_duplicates([("a", empty), ("b", short), ("c", D.signature(""))]) == []


def test_group_duplicates_is_order_independent_with_smallest_id_first():
    items = [("wire-7", D.signature(WIRE)), ("outlet-b", D.signature(COPY_B)), ("outlet-a", D.signature(COPY_A)),
             ("feature-2", D.signature(OTHER_SAME_STORY))]
    expected = [["outlet-a", "outlet-b", "wire-7"]]
    assert D.group_duplicates(items) == expected
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(items)
        assert D.group_duplicates(items) == expected


def test_integer_ids_sort_numerically():
    items = [(10, D.signature(WIRE)), (9, D.signature(COPY_B)), (100, D.signature(OTHER_SAME_STORY))]
    assert D.group_duplicates(items) == [[9, 10]]


def test_best_match_picks_the_copy_above_threshold():
    cands = [("feature", D.signature(OTHER_SAME_STORY)), ("copy", D.signature(COPY_B))]
    match = D.best_match(D.signature(WIRE), cands)
    assert match is not None and match[0] == "copy" and match[1] >= 0.7
    assert D.best_match(D.signature(WIRE), cands[:1]) is None
