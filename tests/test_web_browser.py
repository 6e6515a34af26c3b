"""End to end in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): the
real server (`python -m service`) on the five seeds and the sample corpus; open the search page,
click the USA question, check the vendors it lists, open a vendor page, follow a quote to its
passage, and save a screenshot. The browser reports no error (a CSP violation or a failed load
would be one)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from running_server import serving

from service import questions

# The processors of the seeds that name a US sub-processor (read in ../shared/gold), and the one that does not.
SEED_USA_VENDORS = ("Inexdu", "FORMAT Promotion", "Innkeepr", "Demandly")
SEED_EU_ONLY_VENDOR = "Conbool"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def usa_vendors(store: Path) -> set[str]:
    """The vendors the USA question names, asked of the store directly."""
    result = ox.Store.read_only(str(store)).query(
        questions.get("usa-transfers").render(), use_default_graph_as_union=True
    )
    return {row["vendor"].value for row in result}


def test_usa_question_and_vendor_page_in_chromium(seed_and_sample_store, browser, tmp_path):
    from selenium.webdriver.common.by import By

    with serving(seed_and_sample_store) as site:
        browser.get(site + "/")
        assert browser.title.startswith("Search")
        browser.find_element(By.CSS_SELECTOR, "a[href='/questions/usa-transfers']").click()

        assert browser.find_element(By.TAG_NAME, "h1").text == "Vendors that send personal data to the USA"
        listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.vendor-list a")]
        assert set(listed) == usa_vendors(seed_and_sample_store) and len(listed) == len(set(listed))
        for vendor in SEED_USA_VENDORS:
            assert sum(vendor in name for name in listed) == 1, vendor
        assert not any(SEED_EU_ONLY_VENDOR in name for name in listed)
        # read in examples/dpas: Kartenwerk lists Zendesk, Inc., San Francisco, USA; Wohnwerk has no third country
        assert "Kartenwerk GmbH" in listed and "Wohnwerk Immobiliensoftware GmbH" not in listed

        browser.find_element(By.PARTIAL_LINK_TEXT, "Innkeepr").click()
        assert "Innkeepr" in browser.find_element(By.TAG_NAME, "h1").text
        names = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#subprocessors tbody th")]
        assert any("Stripe" in name for name in names), names
        screenshot = tmp_path / "vendor.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and screenshot.stat().st_size > 10_000

        quote = browser.find_element(By.CSS_SELECTOR, "#subprocessors a.quote")
        expected = quote.text.strip('“”"').split()  # the quote is shown on one line, the passage as written
        quote.click()
        assert browser.find_element(By.ID, "passage").text.split() == expected
        assert browser.execute_script("return window.scrollY") > 0, "the page scrolled to the passage"

        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
