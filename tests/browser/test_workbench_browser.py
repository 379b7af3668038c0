"""The workbench in a real browser: JupyterLab on localhost, driven by Playwright in Debian's Chromium.

The notebooks are copied into a temporary folder served by Lab (Lab autosaves; the committed files
must stay stripped), and the kernel's project root is a temporary copy of rulebooks/.

Trainer: all cells run, the checkbox of sub-criterion 1.1.1 of Sở Nội vụ is unticked, and the
displayed index and band must change. With the sample province (appraised, final stage) the
department has 91.373921 of 98 applicable points and a bonus of 1: 91.373921 / 98 × 100 + 1 =
94.24, Excellent (3rd of the Excellent holders, within the quota of floor(0.2 × 16) = 3).
Without 1.1.1 (1 point): 90.373921 / 98 × 100 + 1 = 93.22, rank 6, the 4th holder of Excellent:
the quota demotes it to Good. Then the language switch shows the same scores in English.
Drafter: Excellent's minimum set to 92 with the band-minimum tab (the pending change read as a sentence),
saved as a proposal that loads.

The tests read the page, not the kernel. Screenshots go to test-artifacts/browser/ (git-ignored).
Skipped only when /usr/bin/chromium is absent and CI is not set (`scripts/install-browser.sh`
installs it); in CI they must run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true":
    pytest.skip("Debian Chromium is not installed (/usr/bin/chromium): run scripts/install-browser.sh",
                allow_module_level=True)


@pytest.fixture()
def lab(workbench, serve, tmp_path):
    """JupyterLab serving a temporary folder that holds copies of the workbench notebooks.

    The kernel's project root (CCHC_ROOT) is a temporary copy of rulebooks/ (datasets/ linked),
    so that a proposal saved from the browser lands there, not in the checkout.
    """
    token = "cchc-browser-test"
    base = f"http://127.0.0.1:{workbench.port}"
    args = ["jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={workbench.port}",
            f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0", "--allow-root",
            f"--ServerApp.root_dir={workbench.work}", "--LabApp.news_url=", "--LabServerApp.announcements_url="]
    with serve("JupyterLab", args, workbench.env, f"{base}/api/status?token={token}"):
        yield base, token, tmp_path, workbench.project


@contextmanager
def notebook_page(lab, name: str):
    """A headless Chromium page on a notebook in Lab, after Run All Cells; a failure leaves a screenshot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, token, tmp, _project = lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1500, "height": 1800}, locale="vi-VN",
        )
        page = context.pages[0] if context.pages else context.new_page()
        try:
            page.goto(f"{base}/lab/tree/{name}?token={token}", timeout=120_000)
            page.wait_for_selector(".jp-Notebook", timeout=120_000)
            select = page.locator(".jp-Dialog").get_by_role("button", name="Select")
            try:  # Lab may ask which kernel to start; the notebook names python3
                select.click(timeout=10_000)
            except PlaywrightTimeout:
                pass
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
            news = page.get_by_role("button", name="No", exact=True)
            if news.count():  # the "Jupyter news?" toast, out of the screenshots
                news.first.click()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            yield page
            errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.all_inner_texts()
        except Exception:
            page.screenshot(path=str(ARTIFACTS / f"{Path(name).stem}_failure.png"))
            raise
        finally:
            context.close()


def test_walkthrough_updates_index_and_band_in_the_browser(lab):
    with notebook_page(lab, "01_scoring_walkthrough.ipynb") as page:
        appraised = page.locator(".cchc-card[data-side='appraised']")
        appraised.locator(".cchc-index").wait_for(timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        index_before = appraised.locator(".cchc-index").inner_text()
        band_before = appraised.locator(".cchc-band").inner_text()
        page.locator(".cchc-cards-widget").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "01_walkthrough_before.png"))
        # 94.24 published with a decimal comma in Vietnamese; Xuất sắc = Excellent.
        assert (index_before, band_before) == ("94,24", "Xuất sắc")

        box = page.locator(".cchc-leaf-1-1-1 input[type='checkbox']")
        box.scroll_into_view_if_needed()
        box.click()
        page.wait_for_function(
            "() => document.querySelector(\".cchc-card[data-side='appraised'] .cchc-index\")"
            ".innerText !== '94,24'", timeout=30_000)
        index_after = appraised.locator(".cchc-index").inner_text()
        band_after = appraised.locator(".cchc-band").inner_text()
        page.locator(".cchc-cards-widget").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "01_walkthrough_after.png"))
        appraised.screenshot(path=str(ARTIFACTS / "01_walkthrough_card.png"))
        # 1.1.1 (1 point of 98 applicable) lost: (91.373921 − 1) / 98 × 100 + 1 (bonus) = 93.22.
        assert (index_after, band_after) == ("93,22", "Tốt")
        # the language switch: the same scores, in English, with a decimal point
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_function(
            "() => { const e = document.querySelector(\".cchc-card[data-side='appraised'] .cchc-band\");"
            " return e !== null && e.innerText === 'Good'; }", timeout=30_000)
        assert appraised.locator(".cchc-index").inner_text() == "93.22"
        page.get_by_text("How the score was worked out", exact=True).click()
        page.locator(".cchc-cards-widget").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "01_walkthrough_english.png"))


def test_editor_edit_and_save_as_proposal_in_the_browser(lab):
    from cchc_rules.dsl.load import load_rulebook

    project = lab[3]
    with notebook_page(lab, "02_framework_editor.ipynb") as page:
        page.get_by_text("Phương án hợp lệ.").wait_for(timeout=120_000)
        page.get_by_text("Ngưỡng xếp loại", exact=True).click()
        field = page.locator(".cchc-band-min input")
        field.fill("92")
        field.press("Enter")
        page.locator(".cchc-band-min-apply").click()
        page.locator(".cchc-edits").get_by_text("Ngưỡng xếp loại Xuất sắc (danh sách chung) thành 92 điểm.").wait_for(
            timeout=60_000)
        page.locator(".cchc-summary").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "02_editor_after_edit.png"))
        page.locator(".cchc-save-name input").fill("excellent-92")
        page.locator(".cchc-save-button").click()
        page.locator(".cchc-save-result").get_by_text("Đã lưu").wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "02_editor_saved.png"))
    saved = project / "rulebooks" / "proposals" / "excellent-92.yaml"
    proposal = load_rulebook(saved)
    assert proposal.bands[0].min == 92 and proposal.derivation is not None
