"""Articles for the HTTP API tests, and building a store from them with `storyline ingest`.

The articles tell a developing story in the style of wire and local reporting (a dam breach, four days,
three outlets): a death toll that rises and is then given lower, named and unnamed speakers, a
syndicated copy of one report, an unrelated article, and one hostile article whose title, outlet, URL,
text and quotes carry HTML/JS payloads.
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import main

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_URL = "javascript:alert(1)"

ARTICLES: dict[str, str] = {
    "day1_herald.md": """---
title: "Kallsjo dam breach floods valley villages, killing at least 8"
date: 2025-02-03T08:10:00+01:00
author: "Ingrid Dahl"
outlet: "Valley Herald"
url: "https://valley-herald.example/2025/02/03/kallsjo-dam-breach"
---

A section of the Kallsjo dam gave way early on Monday, sending a wall of water through three villages in the Ober valley and killing at least 8 people, the regional rescue service said.

More than 300 people were evacuated from Nedre Ober and Lunde overnight, according to the county administration.

"The water came down the valley faster than anyone expected," regional governor Marta Eklund told reporters in Lunde. "Our priority is to reach every house that is still cut off."

Fire chief Jonas Berg said rescue teams had pulled 40 people from flooded homes. "We are still searching, and we will keep searching through the night," Berg said.

The dam, built in 1962, was inspected in September, the operator Ober Kraft said in a statement.
""",
    "day2_post.md": """---
title: "Death toll from Kallsjo dam breach rises to 14"
date: 2025-02-04T11:30:00+01:00
author: "Petter Lind"
outlet: "Northern Post"
url: "https://northern-post.example/news/kallsjo-toll-rises"
---

The death toll from Monday's breach of the Kallsjo dam rose to 14 on Tuesday, the regional rescue service said, after divers recovered more bodies from flooded houses in Nedre Ober.

More than 1,200 people have now been evacuated from the Ober valley, the county administration said.

Regional governor Marta Eklund said the county would ask the government for emergency funds. "Families have lost everything, and they need help this week, not next month," Eklund said.

An engineer at Ober Kraft, who asked not to be named because he was not authorised to speak to the press, said cracks in the spillway had been reported last year. "Everyone on the site knew the spillway was in bad shape," he said.

Ober Kraft said it was cooperating fully with the police.
""",
    "day2_coastwire_copy.md": """---
title: "Kallsjo dam breach: death toll rises to 14"
date: 2025-02-04T13:05:00+01:00
author: "Petter Lind"
outlet: "Coast Wire"
url: "https://coastwire.example/2025/02/04/kallsjo-toll"
---

The death toll from Monday's breach of the Kallsjo dam rose to 14 on Tuesday, the regional rescue service said, after divers recovered more bodies from flooded houses in Nedre Ober.

More than 1,200 people have now been evacuated from the Ober valley, the county administration said.

Regional governor Marta Eklund said the county would ask the government for emergency funds. "Families have lost everything, and they need help this week, not next month," Eklund said.

An engineer at Ober Kraft, who asked not to be named because he was not authorised to speak to the press, said cracks in the spillway had been reported last year. "Everyone on the site knew the spillway was in bad shape," he said.

Ober Kraft said on Tuesday that it was cooperating fully with the police and the county administration.

This story has been updated with the latest evacuation figures.
""",
    "day4_herald.md": """---
title: "Kallsjo inquiry opens as toll is revised to 12"
date: 2025-02-06T09:00:00+01:00
author: "Ingrid Dahl"
outlet: "Valley Herald"
url: "https://valley-herald.example/2025/02/06/kallsjo-inquiry"
---

The death toll from Monday's dam breach in the Ober valley stands at 12, the county administration said on Thursday, revising the figure given by the rescue service on Tuesday after two people were found alive.

Prime Minister Anders Holm visited Lunde on Wednesday and announced an independent inquiry into the Kallsjo dam. "We owe the families of the Ober valley the full truth about what happened," Holm said.

Regional governor Marta Eklund welcomed the inquiry. "People here want answers, and they want them before the spring melt," Eklund said.

Residents of Lunde began returning home on Thursday as the water receded.
""",
    "budget_ledger.md": """---
title: "Parliament passes budget after late-night vote"
date: 2025-03-10T22:15:00+01:00
author: "Sara Holt"
outlet: "Daily Ledger"
url: "https://daily-ledger.example/politics/budget-vote"
---

Parliament approved the government's budget for next year late on Monday by 92 votes to 83, after a debate that lasted more than 11 hours.

Finance minister Lena Strom said the budget would cut taxes for low earners and raise spending on railways by 4 billion crowns. "This budget puts working families first," Strom said.

Opposition leader Karl Viberg called the plan reckless. "The government is borrowing against our children's future," Viberg told the chamber.
""",
}

HOSTILE = {
    "title": f"{HOSTILE_SCRIPT} Flood warning for the Ober valley",
    "date": "2025-02-05",
    "outlet": HOSTILE_IMG,
    "url": HOSTILE_URL,
    "author": HOSTILE_SCRIPT,
    "text": (f"Officials issued a flood warning for the lower Ober valley on Wednesday {HOSTILE_SCRIPT} as more rain "
             "was forecast for the weekend.\n\n"
             f"\"Stay away from the river banks {HOSTILE_IMG} until the warning is lifted,\" regional governor "
             "Marta Eklund said.\n\n"
             f"Residents can find shelter information at {HOSTILE_URL} and at the town hall in Lunde, the county "
             "administration said."),
}


def write_articles(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    return folder


def ingest(paths: list[Path], db: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", *map(str, paths), "--db", str(db), "--no-progress", "-j", "1", "--json"])
    assert result.exit_code == 0, result.output


