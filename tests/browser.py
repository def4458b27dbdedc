"""Browser tests' shared parts: Debian's Chromium driven by Playwright, a live portal, and a checked page.

Playwright's own browser downloads are not used (they cannot be fetched here); CI installs Debian's
`chromium` package instead (see .ci/run). `Portal` is one browser session on the live portal that
checks every page it is shown (axe-core, one h1, no sideways scrolling at 320 px, nothing fetched from
elsewhere); tests/test_accessibility.py uses it. `Journey` is a Portal that also reads what a page says,
follows its links and can be driven by the keyboard alone; the journeys (tests/test_journeys.py,
tests/test_journeys_step8.py) use it through the `portal` fixture (tests/fixtures.py).
"""

import importlib.util
import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from django.utils import timezone

from portal.factories import TEST_PASSWORD

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


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Every rule axe has, best practices included (no `runOnly` filter): WCAG 2.2 AA and more. After a
# frame, so that GOV.UK Frontend has redrawn for a new viewport width (the service navigation folds
# into a Menu button below 641px).
RUN_AXE = """async () => {
    await new Promise(resolve => requestAnimationFrame(() => resolve()));
    return axe.run(document);
}"""
# WCAG 1.4.10 Reflow: at 320 CSS pixels nothing but a table (in its own scrolling region) may need
# scrolling sideways; the page itself may not be wider than the viewport.
REFLOW_WIDTH = 320
PAGE_WIDTH = "document.documentElement.scrollWidth"
# Where a page too wide comes from: each element that reaches past the viewport's right edge while its
# parent does not (a table in a box of the page's width, a long word), as a short CSS-like path. One
# inside a scrolling box is scrolled there, unless it is absolutely positioned (visually hidden text),
# which escapes the box when the box is not its containing block.
WIDE_ELEMENTS = """() => {
    const width = document.documentElement.clientWidth;
    const scrolled = element => !["absolute", "fixed"].includes(getComputedStyle(element).position)
        && [...ancestors(element)].some(a => getComputedStyle(a).overflowX !== "visible");
    function* ancestors(element) {
        for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) yield a;
    }
    const past = element => element.getBoundingClientRect().right > width + 0.5 && !scrolled(element);
    const name = element => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + [...element.classList].slice(0, 2).map(c => "." + c).join("");
    return [...document.body.querySelectorAll("*")]
        .filter(element => past(element) && !past(element.parentElement))
        .map(element => {
            const path = [];
            for (let e = element; e && e !== document.body && path.length < 4; e = e.parentElement) {
                path.unshift(name(e));
            }
            return `${path.join(" > ")} (${Math.round(element.getBoundingClientRect().right)} px)`;
        });
}"""
# Each page is checked at 320 CSS pixels wide (WCAG's reflow width, the mobile layout) and on a
# desktop; the desktop comes last, as the width the next page opens at.
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"320px": {"width": REFLOW_WIDTH, "height": 640}, "1280px": DESKTOP}
# Enough elements per rule to find and fix the template; the count says how many there are in all.
NODES_SHOWN = 5


class BrowserThread:
    """Playwright in a thread of its own.

    Playwright's sync API leaves an asyncio event loop running in the thread that uses it, and
    Django then refuses database work in that thread (SynchronousOnlyOperation). So Chromium is
    started, and every call into it made, in one worker thread; the tests' own thread keeps the
    database. The live server answers in a third.
    """

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright = None
        self._browser = None

    def call(self, function, *args, **kwargs):
        """`function(browser, *args, **kwargs)` in the browser's thread; its result or its exception."""

        def task():
            if self._browser is None:
                from playwright.sync_api import sync_playwright

                self._playwright = sync_playwright().start()
                self._browser = self._playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
            return function(self._browser, *args, **kwargs)

        return self._executor.submit(task).result()

    def proxy(self, target):
        """`target`, with each of its methods run in the browser's thread."""
        thread = self

        class Proxy:
            def __getattr__(self, name):
                method = getattr(target, name)
                return lambda *args, **kwargs: thread.call(lambda _browser: method(*args, **kwargs))

        return Proxy()

    def close(self):
        def stop():
            if self._browser is not None:
                self._browser.close()
                self._playwright.stop()

        self._executor.submit(stop).result()
        self._executor.shutdown()


class Portal:
    """One browser session on the live portal that checks each page it is shown."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.problems: list[str] = []
        self.checked: list[str] = []
        self._requests: list[str] = []
        self._script_errors: list[str] = []
        self.page.on("request", lambda request: self._requests.append(request.url))
        self.page.on("pageerror", lambda error: self._script_errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._request_failed)

    def _console(self, message) -> None:
        # GOV.UK Frontend reports a component it could not start (a skip link without its target,
        # an accordion without its sections) with console.log, as "ElementError: ...". Chromium's
        # own "Failed to load resource" is left to _response, as a 403 or 404 page is expected.
        if message.text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Error" in message.text:
            self._script_errors.append(f"console.{message.type}: {message.text.splitlines()[0]}")

    def _request_failed(self, request) -> None:
        # Leaving a page cancels what it was still loading (often the favicon): not a fault.
        if request.failure != "net::ERR_ABORTED":
            self._script_errors.append(f"{request.failure} for {request.url}")

    def _response(self, response) -> None:
        # The page itself may be an expected 400, 403 or 404; what it loads (CSS, scripts, fonts,
        # images) must all be there.
        if response.status >= 400 and response.request.resource_type != "document":
            self._script_errors.append(f"HTTP {response.status} for {response.url}")

    def visit(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"GET {path}: {response.status}, expected {status}"
        self.check(f"GET {path}")

    def submit(self, button: str, status: int = 200, **fields: str) -> None:
        """Fill in the form's fields by their labels, press the button and check the page it leads to.

        A radio or checkbox named by its label is chosen (whatever value is given for it).
        """
        for label, value in fields.items():
            field = self.page.get_by_label(label, exact=True)
            kind = field.evaluate("element => element.tagName + ':' + (element.type || '')")
            if kind.startswith("SELECT:"):
                field.select_option(value)
            elif kind in ("INPUT:radio", "INPUT:checkbox"):
                field.check()  # A radio or checkbox is chosen by its label; the value is ignored.
            elif kind == "INPUT:file":
                field.set_input_files(value)  # A path, or {"name", "mimeType", "buffer"}.
            else:
                field.fill(value)
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        response = navigation.value
        assert response.status == status, f"{button} on {self.page.url}: {response.status}, expected {status}"
        self.check(f"{button} -> {self.page.url.removeprefix(self.base_url)}")

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base_url + "/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(TEST_PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        assert self.page.url == self.base_url + "/home/", f"{username} did not get signed in"

    def check(self, label: str) -> None:
        self.checked.append(label)
        problems = []
        lang = self.page.evaluate("document.documentElement.getAttribute('lang')")
        if not lang:
            problems.append("the html element has no lang attribute")
        headings = self.page.locator("h1").count()
        if headings != 1:
            problems.append(f"{headings} h1 elements, expected exactly one")
        foreign = [url for url in self._requests if not url.startswith(self.base_url + "/")]
        if foreign:
            problems.append("requests to other hosts: " + ", ".join(foreign))
        self._requests.clear()
        if self._script_errors:
            problems.append("script or loading errors: " + "; ".join(self._script_errors))
        self._script_errors.clear()

        self.page.add_script_tag(path=AXE)
        for width, size in VIEWPORTS.items():
            self.page.set_viewport_size(size)
            violations = self.page.evaluate(RUN_AXE)["violations"]
            if size["width"] == REFLOW_WIDTH:
                page_width = self.page.evaluate(PAGE_WIDTH)
                if page_width > REFLOW_WIDTH:
                    problems.append(
                        f"the page scrolls sideways at {width}: it is {page_width} px wide "
                        f"(a wide table belongs in a focusable .portal-table-scroll region)"
                    )
                    wide = self.page.evaluate(WIDE_ELEMENTS)
                    problems.extend(f"    at {element}" for element in wide[:NODES_SHOWN])
                    if len(wide) > NODES_SHOWN:
                        problems.append(f"    and {len(wide) - NODES_SHOWN} more elements")
            for violation in violations:
                nodes = violation["nodes"]
                tags = ", ".join(tag for tag in violation["tags"] if tag.startswith(("wcag", "best")))
                problems.append(
                    f"axe {violation['id']} ({violation['impact']}) at {width}: {violation['help']} "
                    f"[{tags}] {violation['helpUrl']}"
                )
                for node in nodes[:NODES_SHOWN]:
                    summary = " ".join((node.get("failureSummary") or "").split())
                    problems.append(f"    at {' '.join(map(str, node['target']))}: {summary}")
                if len(nodes) > NODES_SHOWN:
                    problems.append(f"    and {len(nodes) - NODES_SHOWN} more elements")
        if problems:
            self.problems.append(f"{label} ({self.page.title()}):\n  " + "\n  ".join(problems))

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def first_link_in(self, selector: str) -> str:
        return self.page.locator(f"{selector} a").first.get_attribute("href")

    def close(self) -> None:
        self.context.close()


# How many times tab_to presses Tab (or Shift+Tab) looking for an element before it gives up.
TAB_LIMIT = 80


def squeezed(text: str) -> str:
    return " ".join(text.split())


class Journey(Portal):
    """A Portal that also reads what a page says, follows its links and can be driven by the keyboard alone.

    Every method runs in the browser's thread (see the `portal` fixture in tests/fixtures.py) and answers
    plain values.
    """

    # --- Reading the page ---------------------------------------------------------------------

    def heading(self) -> str:
        return squeezed(self.page.locator("h1").inner_text())

    def text(self, selector: str = "main") -> str:
        """What the elements matching `selector` say, as one line (visually hidden text included)."""
        return squeezed(" ".join(self.page.locator(selector).all_inner_texts()))

    def texts(self, selector: str) -> list[str]:
        return [squeezed(text) for text in self.page.locator(selector).all_inner_texts()]

    def rows(self, selector: str = "main table") -> list[str]:
        """The text of each body row of the tables matching `selector`."""
        return self.texts(f"{selector} tbody tr")

    def error_summary(self) -> list[tuple[str, str]]:
        """The error summary's messages, each with the target of its link."""
        links = self.page.locator(".govuk-error-summary__list a")
        return [
            (squeezed(links.nth(i).inner_text()), links.nth(i).get_attribute("href"))
            for i in range(links.count())
        ]

    def inline_errors(self) -> list[str]:
        return self.texts(".govuk-error-message")

    def target_of(self, href: str) -> str:
        """What the element an in-page link (like an error summary's) points at is: its tag and label or text."""
        return self.page.evaluate(
            """href => {
                const element = document.getElementById(href.replace(/^#/, ""));
                if (!element) return "";
                const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
                return element.tagName.toLowerCase() + ": " + (label || element.innerText).trim();
            }""",
            href,
        )

    def attributes(self, selector: str, name: str) -> list[str | None]:
        """The attribute `name` of each element matching `selector`, in page order (None where it has none)."""
        return self.page.locator(selector).evaluate_all(
            "(elements, name) => elements.map(element => element.getAttribute(name))", name
        )

    def value_of(self, label: str) -> str:
        return self.page.get_by_label(label, exact=True).input_value()

    def is_checked(self, label: str) -> bool:
        return self.page.get_by_label(label, exact=True).is_checked()

    # --- Acting with a pointer ----------------------------------------------------------------

    def follow(
        self, name: str | re.Pattern, role: str = "link", status: int = 200, *, within: str | None = None
    ) -> None:
        """Follow the one link (or link styled as a button: role="button") with this accessible name; with
        `within` (a CSS selector), the one inside that part of the page, where the page has two alike."""
        scope = self.page.locator(within) if within else self.page
        with self.page.expect_navigation() as navigation:
            scope.get_by_role(role, name=name, exact=isinstance(name, str)).click()
        response = navigation.value
        assert response.status == status, f"{name} on {self.page.url}: {response.status}, expected {status}"
        self.check(f"{name} -> {self.path()}")

    def answer(self, *groups: str, **fields: str) -> None:
        """Fill in fields by their labels, inside the fieldsets whose legends are `groups` (outermost first):
        ("Payment 1", Day="30") is the day of payment 1. A radio or checkbox named by its label is chosen."""
        scope = self.page
        for legend in groups:
            scope = scope.get_by_role("group", name=legend, exact=True)
        for label, value in fields.items():
            field = scope.get_by_label(label, exact=True)
            kind = field.evaluate("element => element.tagName + ':' + (element.type || '')")
            if kind.startswith("SELECT:"):
                field.select_option(value)
            elif kind in ("INPUT:radio", "INPUT:checkbox"):
                field.check()
            elif kind == "INPUT:file":
                field.set_input_files(value)
            else:
                field.fill(value)

    def answer_date(self, *groups: str, on: date) -> None:
        self.answer(*groups, Day=str(on.day), Month=str(on.month), Year=str(on.year))

    # --- Acting with the keyboard alone -------------------------------------------------------

    def _is_focused(self, locator) -> bool:
        return locator.count() == 1 and locator.evaluate("element => element === document.activeElement")

    def tab_to(self, name: str | re.Pattern, role: str | None = "link", *, backwards: bool = False) -> int:
        """Press Tab (Shift+Tab backwards) until the element with this role and accessible name (or, with
        no role, this label) has the focus; fail if it never does within TAB_LIMIT presses. Answers how
        many presses it took."""
        exact = isinstance(name, str)
        if role is None:
            wanted = self.page.get_by_label(name, exact=exact)
        else:
            wanted = self.page.get_by_role(role, name=name, exact=exact)
        key = "Shift+Tab" if backwards else "Tab"
        for presses in range(1, TAB_LIMIT + 1):
            self.page.keyboard.press(key)
            if self._is_focused(wanted):
                return presses
        raise AssertionError(
            f"{role} {name!r} never had the focus after {TAB_LIMIT} presses of {key} on {self.path()}; "
            f"the focus is on {self.focused()!r}"
        )

    def arrow_to(self, option: str, key: str = "ArrowDown") -> int:
        """With a select or a radio focused, press the arrow key until `option` is the one chosen (a
        select's option, or the label of the radio the arrow moved to); fail after TAB_LIMIT presses."""
        for presses in range(1, TAB_LIMIT + 1):
            self.page.keyboard.press(key)
            if self.chosen() == option:
                return presses
        raise AssertionError(f"{option!r} was never chosen with {key} on {self.path()}: {self.chosen()!r} is")

    def chosen(self) -> str:
        """The option chosen in the focused select, or the label of the focused radio if it is checked."""
        return self.page.evaluate(
            """() => {
                const element = document.activeElement;
                if (element.tagName === "SELECT") return element.selectedOptions[0].text.trim();
                if (element.type === "radio" && element.checked) return element.labels[0].innerText.trim();
                return "";
            }"""
        )

    def focused(self) -> str:
        """The element with the focus: its tag, and its label or text."""
        return self.page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element) return "";
                const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
                return element.tagName.toLowerCase() + ": " + (label || element.innerText || "").trim();
            }"""
        )

    def focus_is_visible(self) -> bool:
        """Whether the focused element draws a focus indicator: an outline that is not transparent, or a
        box shadow (GOV.UK Frontend's focus state is a yellow outline or background with a black shadow)."""
        return self.page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                    && !/rgba\\(.*,\\s*0\\)$|transparent/.test(style.outlineColor);
                return outline || style.boxShadow !== "none";
            }"""
        )

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        """A key that does not leave the page (Space on a radio, an arrow key, Tab)."""
        self.page.keyboard.press(key)

    def press_and_arrive(self, key: str, status: int = 200) -> None:
        """A key that leaves the page (Enter on a link, Space on a button); the page it leads to is checked."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press(key)
        response = navigation.value
        assert response.status == status, f"{key} on {self.page.url}: {response.status}, expected {status}"
        self.check(f"{key} -> {self.path()}")

    def start_at(self, path: str) -> None:
        """Open `path` as if typed into the address bar (a redirect, like to the sign-in page, is followed)."""
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, f"GET {path}: {response.status}"
        self.check(f"GET {path} -> {self.path()}")

    def screenshot(self, path: str) -> None:
        self.page.screenshot(path=path, full_page=True)


class InBrowserThread:
    """A Journey whose methods run in the browser's thread; its lists of problems and pages read as they are."""

    def __init__(self, thread, journey: Journey):
        self._thread = thread
        self._journey = journey

    def __getattr__(self, name):
        value = getattr(self._journey, name)
        if isinstance(value, list | str):
            return value
        return lambda *args, **kwargs: self._thread.call(lambda _browser: value(*args, **kwargs))


def every_page_passed(portal) -> str:
    """The failure message if any page the journey was shown failed its checks (axe, one h1 ...)."""
    return f"{len(portal.problems)} of {len(portal.checked)} pages failed:\n" + "\n".join(portal.problems)


def today() -> date:
    return timezone.localdate()
