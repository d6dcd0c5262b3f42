"""The model-manager page in a real browser: Debian's headless Chromium, driven by Selenium
through the system's chromedriver (nothing is downloaded). One browser for the module.

Skipped, saying why, where no Chromium and chromedriver are installed (`.ci/run` installs
them as root: apt-get install chromium chromium-driver).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import TOKEN, ThreadedWeb
from tui.services.config import load_settings
from tui.web.security import Guard

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no headless Chromium and chromedriver here (Debian: apt-get install chromium "
           "chromium-driver; .ci/run installs them when it runs as root)")

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1280,900")


def start_browser(profile: str) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedWeb]:
    # A pull of smollm2:135m (271 MB) takes about 2 s: long enough to see it move.
    server = ThreadedWeb(tmp_path_factory.mktemp("page") / "config.toml", pull_rate=1.5e8,
                         progress_interval=0.02)
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with tempfile.TemporaryDirectory(prefix="qgoose-chromium-") as profile:
        driver = start_browser(profile)
        try:
            yield driver
        finally:
            driver.quit()


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = 10) -> Any:
    """Until `condition` holds; the page redraws its lists whole, so an element found a
    moment ago may be gone: then look again."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def card(driver: WebDriver, name: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'#models li[data-name="{name}"]')


def cards(driver: WebDriver) -> list[str]:
    """The names of the cards shown, read at one moment."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#models li.card')].map(li => li.dataset.name)")


def text(driver: WebDriver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


@pytest.fixture
def page(served: ThreadedWeb, browser: WebDriver) -> WebDriver:
    """The page freshly loaded, its list shown."""
    browser.get(served.url)
    wait(browser, lambda d: len(cards(d)) >= 9)
    return browser


def test_the_list_shows_every_model_with_the_current_one_marked(page: WebDriver,
                                                               served: ThreadedWeb) -> None:
    listed = httpx.get(served.url + "api/models/").json()
    assert cards(page) == [m["name"] for m in listed["models"]]
    current = page.find_elements(By.CSS_SELECTOR, "#models li.card.current")
    assert [c.get_attribute("data-name") for c in current] == ["glm-4.6:cloud"]
    assert current[0].find_element(By.CLASS_NAME, "mark").text == "★ current"
    assert text(page, "current-model") == "glm-4.6:cloud"
    wait(page, lambda d: "online" in text(d, "ollama-status"))
    assert page.find_element(By.TAG_NAME, "body").get_attribute("data-ollama") == "online"
    llama = card(page, "llama3.2:latest").text
    assert "2.0 GB" in llama and "3.2B" in llama and "Q4_K_M" in llama


def test_set_current(page: WebDriver, served: ThreadedWeb) -> None:
    card(page, "llama3.2:latest").find_element(By.CLASS_NAME, "use").click()
    wait(page, lambda d: "current" in (card(d, "llama3.2:latest").get_attribute("class") or ""))
    assert text(page, "message") == "Model set to llama3.2:latest"
    assert text(page, "current-model") == "llama3.2:latest"
    assert "current" not in (card(page, "glm-4.6:cloud").get_attribute("class") or "")
    assert load_settings(served.settings.path).current_model == "llama3.2:latest"


def test_model_info(page: WebDriver, served: ThreadedWeb) -> None:
    card(page, "llava:7b").find_element(By.CLASS_NAME, "info").click()
    wait(page, lambda d: d.find_element(By.ID, "info").is_displayed())
    assert text(page, "info-name") == "llava:7b"
    facts = text(page, "info-facts")
    assert "Family\nllama" in facts and "vision" in facts
    template = httpx.get(served.url + "api/models/info/?model=llava:7b").json()["info"]["template"]
    shown = page.find_element(By.ID, "info-template").get_attribute("textContent")
    assert shown == template  # Ollama's text exactly, its "<|…|>" shown, not parsed


def test_delete_asks_first_saying_what_it_frees(page: WebDriver) -> None:
    delete = card(page, "mistral:latest").find_element(By.CLASS_NAME, "delete")
    delete.click()
    dialog = wait(page, lambda d: d.find_element(By.ID, "confirm-delete"))
    wait(page, lambda d: dialog.is_displayed())
    assert text(page, "confirm-title") == "Delete mistral:latest?"
    assert text(page, "confirm-space") == "Deleting mistral:latest frees 4.1 GB of disk."
    page.find_element(By.ID, "confirm-no").click()
    wait(page, lambda d: not dialog.is_displayed())
    assert "mistral:latest" in cards(page)  # cancelled: kept

    card(page, "mistral:latest").find_element(By.CLASS_NAME, "delete").click()
    wait(page, lambda d: dialog.is_displayed())
    page.find_element(By.ID, "confirm-yes").click()
    wait(page, lambda d: "mistral:latest" not in cards(d))
    assert text(page, "message") == "Model mistral:latest deleted successfully: 4.1 GB freed."


def test_pull_a_typed_model_with_live_progress(page: WebDriver) -> None:
    page.find_element(By.ID, "pull-name").send_keys("smollm2:135m")
    page.find_element(By.ID, "pull-button").click()
    item = '#pulls li[data-model="smollm2:135m"]'

    def moving(d: WebDriver) -> float | None:
        found = d.find_elements(By.CSS_SELECTOR, item + " progress")
        value = float(found[0].get_attribute("value") or 0) if found else 0.0
        return value if 0 < value < 1 else None

    part = wait(page, moving)
    figures = page.find_element(By.CSS_SELECTOR, item + " .pull-figures").text
    assert "% ·" in figures and " of 271 MB" in figures  # "41% · 111 MB of 271 MB · …"
    assert text(page, "message").startswith("Started pulling model smollm2:135m.")
    wait(page, lambda d: d.find_element(By.CSS_SELECTOR, item).get_attribute("data-state")
         == "done")
    wait(page, lambda d: "smollm2:135m" in cards(d))  # the list follows by itself
    assert 0 < part < 1 and text(page, "message") == "Pulled smollm2:135m."


def test_pull_a_popular_model(page: WebDriver, served: ThreadedWeb) -> None:
    served.emulator.pull_rate = 8e9  # mistral again, in half a second
    chip = page.find_element(By.CSS_SELECTOR, '#popular button[data-name="mistral"]')
    assert chip.text == "mistral · 4.1 GB"
    chip.click()
    wait(page, lambda d: "mistral:latest" in cards(d))


def open_variant(page: WebDriver, base: str) -> WebElement:
    """The variant form of `base`'s card, its base's values read (the placeholders)."""
    card(page, base).find_element(By.CLASS_NAME, "variant").click()
    wait(page, lambda d: d.find_element(By.ID, "variant").is_displayed())
    assert text(page, "variant-base") == base
    ctx = page.find_element(By.ID, "variant-ctx")
    wait(page, lambda d: ctx.get_attribute("placeholder"))
    return page.find_element(By.ID, "variant-form")


def fill(page: WebDriver, **fields: str) -> None:
    for name, value in fields.items():
        box = page.find_element(By.ID, f"variant-{name}")
        box.clear()
        box.send_keys(value)


def shown(served: ThreadedWeb, name: str) -> dict[str, Any]:
    """The model as Ollama (the emulator) describes it: /api/show."""
    return httpx.post(served.emulator.url + "/api/show", json={"model": name}).json()


def test_make_a_variant_from_a_card_and_see_it_in_the_list(page: WebDriver,
                                                           served: ThreadedWeb) -> None:
    open_variant(page, "llama3.2:latest")
    assert "131072" in page.find_element(By.ID, "variant-ctx").get_attribute("placeholder")
    fill(page, name="llama3.2-page", ctx="32768", temperature="0.3",
         system="Answer in one line. <b>Never bold.</b>")
    page.find_element(By.ID, "variant-button").click()
    item = '#creates li[data-model="llama3.2-page:latest"]'
    wait(page, lambda d: d.find_element(By.CSS_SELECTOR, item).get_attribute("data-state")
         == "done")
    wait(page, lambda d: "llama3.2-page:latest" in cards(d))  # the list follows by itself
    assert text(page, "message") == "Created llama3.2-page:latest from llama3.2:latest."
    assert "new" in (card(page, "llama3.2-page:latest").get_attribute("class") or "")
    statuses = page.find_element(By.CSS_SELECTOR, item + " .create-statuses")
    assert statuses.get_attribute("textContent").endswith("writing manifest\nsuccess")
    assert not page.find_element(By.ID, "variant").is_displayed()
    made = shown(served, "llama3.2-page")
    params = dict(line.split(None, 1) for line in made["parameters"].splitlines())
    assert params["num_ctx"] == "32768" and params["temperature"] == "0.3"
    assert made["system"] == "Answer in one line. <b>Never bold.</b>"


def test_a_wrong_value_in_the_variant_form_says_why(page: WebDriver,
                                                   served: ThreadedWeb) -> None:
    open_variant(page, "llama3.2:latest")
    fill(page, name="page-bad", ctx="lots")
    page.find_element(By.ID, "variant-button").click()
    wait(page, lambda d: "num_ctx" in text(d, "message"))
    assert text(page, "message") == \
        "num_ctx must be a number of tokens like 32768 or 32k, not 'lots'"
    assert "error" in (page.find_element(By.ID, "message").get_attribute("class") or "")
    assert page.find_element(By.ID, "variant").is_displayed()  # kept, to be corrected
    assert page.find_elements(By.CSS_SELECTOR, '#creates li[data-model="page-bad:latest"]') \
        == []


def test_a_taken_name_is_replaced_only_when_asked(page: WebDriver,
                                                  served: ThreadedWeb) -> None:
    made = httpx.post(served.url + "api/models/create/",
                      json={"name": "page-taken", "from": "llama3.2", "replace": True})
    assert made.status_code == 200
    page.find_element(By.ID, "refresh").click()
    wait(page, lambda d: "page-taken:latest" in cards(d))
    open_variant(page, "llama3.2:latest")
    fill(page, name="page-taken", system="Replaced.")
    page.find_element(By.ID, "variant-button").click()
    replace = page.find_element(By.ID, "variant-replace")
    wait(page, lambda d: replace.is_displayed())
    assert text(page, "message") == ('page-taken:latest already exists: tick "Replace the '
                                     'model of that name" to replace it')
    assert shown(served, "page-taken").get("system", "") != "Replaced."
    replace.click()
    page.find_element(By.ID, "variant-button").click()
    wait(page, lambda d: text(d, "message") == "Created page-taken:latest from "
         "llama3.2:latest.")
    assert shown(served, "page-taken")["system"] == "Replaced."


def test_server_text_is_shown_as_text(page: WebDriver) -> None:
    hostile = "<img src=x onerror=document.title='owned'>"
    page.find_element(By.ID, "pull-name").send_keys(hostile)
    page.find_element(By.ID, "pull-button").click()
    wait(page, lambda d: "invalid model name" in text(d, "message"))
    assert hostile in text(page, "message")
    assert page.find_elements(By.TAG_NAME, "img") == [] and page.title != "owned"
    open_variant(page, "llama3.2:latest")
    fill(page, name=hostile)
    page.find_element(By.ID, "variant-button").click()
    wait(page, lambda d: text(d, "message").startswith("invalid model name"))
    assert hostile in text(page, "message")
    assert page.find_elements(By.TAG_NAME, "img") == [] and page.title != "owned"


def test_offline_ollama_is_shown_and_the_page_recovers(page: WebDriver,
                                                      served: ThreadedWeb) -> None:
    served.call(served.emulator.stop())
    try:
        page.find_element(By.ID, "refresh").click()
        wait(page, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ollama")
             == "offline")
        assert text(page, "ollama-status").startswith("Ollama is offline: cannot reach Ollama")
        assert not page.find_element(By.ID, "pull-button").is_enabled()
        assert cards(page) == []
    finally:
        served.call(served.emulator.start())
    page.find_element(By.ID, "refresh").click()
    wait(page, lambda d: len(cards(d)) >= 9)
    wait(page, lambda d: page.find_element(By.ID, "pull-button").is_enabled())


def test_a_token_is_asked_once_and_kept_for_the_tab(browser: WebDriver,
                                                    tmp_path: Path) -> None:
    guarded = ThreadedWeb(tmp_path / "config.toml", Guard(token=TOKEN))
    try:
        browser.get(guarded.url)
        form = wait(browser, lambda d: d.find_element(By.ID, "token-form"))
        wait(browser, lambda d: form.is_displayed())
        assert cards(browser) == []
        browser.find_element(By.ID, "token-input").send_keys("not-the-token")
        form.submit()
        wait(browser, lambda d: "the token is not right" in text(d, "token-why"))
        browser.find_element(By.ID, "token-input").send_keys(TOKEN)
        form.submit()
        wait(browser, lambda d: len(cards(d)) == 10)
        assert not form.is_displayed()
        browser.refresh()  # the same tab: not asked again
        wait(browser, lambda d: len(cards(d)) == 10)
        assert not browser.find_element(By.ID, "token-form").is_displayed()
    finally:
        guarded.close()
