"""The web page's source keeps its safety rules (runs without a browser).

Article text is untrusted, so the page builds DOM only from text nodes; these checks keep HTML sinks,
inline scripts/styles/handlers (which the server's CSP would block anyway) and remote assets out of
src/storyline/serve/static/. The browser test (test_browser.py) checks the behaviour itself.
"""
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "storyline" / "serve" / "static"
SCRIPTS = sorted(STATIC.glob("*.js"))
# Ways to turn a string into markup or code.
SINKS = re.compile(r"\.(?:innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
                   r"|setTimeout\s*\(\s*['\"`]|createContextualFragment|DOMParser")


def _code(text: str) -> str:
    """The script without its comments (they may name the forbidden things to forbid them)."""
    return re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", "", text, flags=re.S)


def test_the_page_is_shipped():
    names = {p.name for p in STATIC.iterdir()}
    assert {"index.html", "app.js", "app.css"} <= names
    assert len(SCRIPTS) >= 2


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_html_sinks_in_scripts(script):
    found = SINKS.findall(_code(script.read_text(encoding="utf-8")))
    assert found == [], f"{script.name} turns strings into markup or code: {found}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_modules_import_only_local_files_that_exist(script):
    imports = re.findall(r"""^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]""", script.read_text(encoding="utf-8"), re.M)
    for target in imports:
        assert target.startswith("./"), f"{script.name} imports {target!r} (only local modules)"
        assert (STATIC / target[2:]).is_file(), f"{script.name} imports missing {target}"


def test_index_has_no_inline_script_style_or_handler():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"\son[a-z]+\s*=", html) == []


def test_nothing_is_loaded_from_another_origin():
    for path in [STATIC / "index.html", STATIC / "app.css", *SCRIPTS]:
        text = path.read_text(encoding="utf-8")
        remote = re.findall(r"""(?:src|href)\s*=\s*['"](?:https?:)?//|url\(\s*['"]?(?:https?:)?//|@import|fetch\(\s*['"`](?:https?:)?//""", text)
        assert remote == [], f"{path.name} refers to another origin: {remote}"
