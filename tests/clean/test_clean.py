from storyline.clean import clean, looks_like_headline
from storyline.clean.boilerplate import classify
from storyline.model import RawDocument
from storyline.read import read_paths


def cleaned(path):
    [raw] = list(read_paths([str(path)]))
    return clean(raw)


def test_captions_newsletter_and_credits_are_removed_and_recorded(articles_dir):
    a = cleaned(articles_dir / "harbour_strike.txt")
    assert a.text.startswith("Dock workers at Europe's largest port walked off the job on Tuesday")
    for junk in ("FILE PHOTO", "Photo: Reuters", "Sign up for our morning briefing", "privacy policy",
                 "(Piet Janssen/ANP via AP)", "Trucks queue on the approach road", "Reporting by Anna Smit"):
        assert junk not in a.text
    reasons = [r.reason for r in a.removed]
    assert reasons == ["caption", "newsletter", "caption", "credit"]
    assert '"We have been patient for eighteen months' in a.text
    assert a.text.count("\n\n") == 2  # three paragraphs kept


def test_headline_repeat_syndication_and_label(articles_dir):
    a = cleaned(articles_dir / "ferry_talks_undated.txt")
    assert a.title == "Ferry Operators Agree Pay Deal As Strike Threat Fades"
    assert "Strike Threat Fades" not in a.text
    assert "syndicated feed" not in a.text
    assert a.outlet == "Harbour Times"
    assert a.dateline == "Channel Ports"
    assert "Channel Ports:" not in a.text
    assert {r.reason for r in a.removed} == {"headline", "repeated-headline", "syndication", "dateline-label"}


def test_front_matter_title_is_not_taken_from_body(articles_dir):
    a = cleaned(articles_dir / "river_flood.md")
    assert a.title == "Floodwaters reach record level as river bursts its banks"
    assert a.text.startswith("Emergency services evacuated thousands of residents overnight")


def test_inline_dateline_is_metadata_and_stays_in_text():
    raw = RawDocument("x", "text", "KYIV, Ukraine (AP) — Air raid sirens sounded across the capital on Friday.\n\nMore text.")
    a = clean(raw)
    assert a.dateline == "KYIV, Ukraine (AP)"
    assert a.metadata["agency"] == "AP"
    assert a.text.startswith("KYIV, Ukraine (AP) — Air raid")


def test_headline_rule():
    assert looks_like_headline("Storm Ciarán batters coast as thousands lose power")
    assert not looks_like_headline("The storm hit the coast on Thursday, officials said.")
    assert not looks_like_headline("Palestinian Territories:")
    assert not looks_like_headline("Hi")


def test_body_paragraphs_are_not_boilerplate():
    body = [
        "The minister said the new subscription model for public broadcasting would be debated in parliament next week.",
        '"We will not sign up to a deal that betrays our voters," the party leader said.',
        "Police said the photo was taken on Tuesday.",
    ]
    assert [classify(p) for p in body] == [None, None, None]


def test_caption_forms():
    assert classify("Rescue workers search the rubble in Antakya on February 8 (Emrah Gurel/AP)") == "caption"
    assert classify("President Joe Biden speaks at the White House (Evan Vucci, Pool/AP)") == "caption"
    assert classify("Smoke rises over the city (AFP via Getty Images)") == "caption"
    assert classify("FILE - Protesters march in Paris, Jan. 19, 2023.") == "caption"
    assert classify("Copyright 2023 The Associated Press. All rights reserved.") == "credit"
