"""Where the accessibility tests find their browser: Debian's Chromium, driven by Playwright.

Playwright's own browser downloads are not used (they cannot be fetched here); CI installs
Debian's `chromium` package instead (see .ci/run).
"""

import importlib.util
import os

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_browser() -> list[str]:
    """What a `browser` test lacks, as reasons for skipping (or failing, in CI) it."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install -r requirements-dev.txt)")
    return missing
