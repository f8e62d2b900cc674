"""The preview site: cards through the real templates, and a real browser loading it."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from ankipress.cards.cardrender import render_card
from tests.conftest import REPO

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def test_card_templates_render_like_anki() -> None:
    values = {"Question": "Q", "Answer": "<p>A</p>", "Context": "", "Tags": "x y"}
    template = "{{#Context}}C:{{Context}}{{/Context}}{{^Context}}none{{/Context}}|{{Question}}"
    assert render_card(template, values) == "none|Q"
    assert render_card("{{text:Answer}} {{type:Answer}}[{{Tags}}]", values) == "A [x y]"
    nested = "{{#Question}}{{#Answer}}both{{/Answer}}{{/Question}}"
    assert render_card(nested, values) == "both"


def test_preview_writes_a_page_per_deck(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree(
        {
            "book.md": "<h2>What is x?</h2>\n\n![fig](fig.png) $x^2$ and $$\\int_0^1 x\\,dx$$\n",
            "fig.png": b"\x89PNG\r\n\x1a\nfig",
        }
    )
    result = run_cli("preview", str(content), "-o", str(tmp_path / "site"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        f"Wrote a preview of 1 deck (1 card): {tmp_path}/site/index.html\n"
    )
    site = tmp_path / "site"
    page = (site / "deck-001.html").read_text(encoding="utf-8")
    assert '<div class="question">What is x?</div>' in page
    assert '<span class="math inline">\\(x^2\\)</span>' in page
    assert '<script src="_mathjax/tex-svg.js" defer></script>' in page
    assert "http://" not in page and "https://" not in page  # opens offline
    (image,) = [p for p in site.iterdir() if p.suffix == ".png"]
    assert f'src="{image.name}"' in page
    assert (site / "_mathjax/tex-svg.js").stat().st_size > 1_000_000
    assert not (content / "ankipress.lock").exists()


BROWSER = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("ANKIPRESS_BROWSER"),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)


def chromium(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Headless Chromium through its driver, offline, logging the page's console."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1400",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@BROWSER
def test_math_that_anki_typesets_is_typeset_in_the_preview_offline(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Anki loads noerrors, mathtools and mhchem, and autoloads other extensions: the
    preview ships them, so \\ce, \\coloneqq or \\cancel typeset there, with no network."""
    math = "$\\ce{H2O}$, $x \\coloneqq 1$, $\\cancel{y}$ and $\\boldsymbol{z}$"
    content = write_tree({"book.md": f"<h2>What is water?</h2>\n\n{math}\n"})
    result = run_cli("preview", str(content), "-o", str(tmp_path / "site"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    driver = chromium(tmp_path)
    try:
        driver.get((tmp_path / "site/deck-001.html").as_uri())
        driver.execute_async_script("MathJax.startup.promise.then(() => arguments[0](true));")
        count = "return document.querySelectorAll(arguments[0]).length"
        assert driver.execute_script(count, ".answer mjx-container") == 4
        assert driver.execute_script(count, "mjx-merror, [data-mjx-error]") == 0
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


@BROWSER
def test_the_seed_preview_in_a_real_browser(run_cli, tmp_path: Path) -> None:
    from PIL import Image

    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "content/ankipress.lock").unlink(missing_ok=True)
    assert run_cli("preview", cwd=tmp_path).exit_code == 0
    driver = chromium(tmp_path)
    try:
        pages = sorted((tmp_path / "preview").glob("deck-*.html"))
        assert len(pages) == 20
        typeset = 0
        for page in [tmp_path / "preview/index.html", *pages]:
            driver.get(page.as_uri())
            driver.execute_async_script(
                "const done = arguments[0];"
                "(window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve())"
                ".then(() => done(true));"
            )
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], (page.name, errors)
            typeset += driver.execute_script(
                "return document.querySelectorAll('mjx-container').length"
            )
            raw = driver.execute_script(
                "return [...document.querySelectorAll('.answer, .question')]"
                ".filter(e => /\\\\\\(|\\\\\\[/.test(e.innerText)).length"
            )
            assert raw == 0, page.name  # no math left untypeset
        assert typeset > 100
        driver.get((tmp_path / "preview/deck-006.html").as_uri())
        driver.execute_async_script("MathJax.startup.promise.then(() => arguments[0](true));")
        card = driver.find_element("css selector", ".preview-card")
        shot = Image.open(io.BytesIO(card.screenshot_as_png)).convert("RGB")
        assert shot.width > 300 and shot.height > 100
        assert len(shot.getcolors(maxcolors=1_000_000) or []) > 50  # not blank
        background = (
            "return getComputedStyle(document.querySelector('.side > .card')).backgroundColor"
        )
        light = driver.execute_script(background)
        driver.find_element("id", "night").click()
        assert driver.execute_script(background) != light  # night mode switched the card
    finally:
        driver.quit()
