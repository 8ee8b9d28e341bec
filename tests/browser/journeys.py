"""Helpers the journey tests share: look at a page (axe at each width, screenshots), read
links out of the emails the loopback SMTP server received, and move the live app's clock."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import DESKTOP, MOBILE, TABLET

JS_MODES = [True, False]
JS_IDS = ["javascript", "no-javascript"]


class Journey:
    """One person's way through the app in one browser page.

    `look(step)` checks the page with axe and saves screenshots at each of `widths`, then puts
    the page back to the first width so the journey carries on as the person would see it.
    """

    def __init__(self, page, axe, screenshot, name: str, *, javascript: bool, widths=None):
        self.page = page
        self.axe = axe
        self.screenshot = screenshot
        self.name = name if javascript else f"{name}-no-javascript"
        self.widths = widths or [DESKTOP, MOBILE]
        self.steps: list[str] = []

    def look(self, step: str) -> None:
        page = self.page
        # expect() waits for a page still loading after a click (a loaded machine is slow).
        page.wait_for_load_state()
        expect(page.locator("h1"), f"{page.url} should have exactly one h1").to_have_count(1)
        for size in self.widths:
            page.set_viewport_size(size)
            self.axe.check(page)
            self.screenshot(page, f"{self.name}-{step}")
        page.set_viewport_size(self.widths[0])
        self.steps.append(step)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()


def link_in(received, base_url: str, path: str) -> str:
    """The first link in an email's plain text that starts with base_url + path."""
    match = re.search(re.escape(base_url + path) + r"[^\s<>\"')]+", received.text())
    assert match, f"no {path} link in the email: {received.text()}"
    return match.group(0)


def email_to(smtp, live_app, address: str, subject_contains: str, timeout: float = 10.0):
    """Wait for an email to `address` whose subject contains the words given.

    The live app sends queued mail once each response has gone, but the development server
    skips that step when the browser drops the connection first (Chromium sometimes does
    after a redirect). So the outbox worker's pass runs here too, as it would in production
    within the minute: mail is still sent by the app, over SMTP, to the test server.
    """
    from booking.mail.outbound import sending

    with live_app.app_context():
        sending.send_due_now()
    return smtp.wait_for(
        lambda r: (
            address in r.rcpt_tos and subject_contains.lower() in r.message["Subject"].lower()
        ),
        timeout,
    )


__all__ = ["DESKTOP", "MOBILE", "TABLET", "JS_IDS", "JS_MODES", "Journey", "email_to", "link_in"]


#: True when the focused element shows it has focus: GOV.UK's yellow focus colour, an
#: outline or a box shadow that differs from the element's look without focus.
FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const yellow = style.backgroundColor === 'rgb(255, 221, 0)';
  return outline || shadow || yellow;
}"""

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const label = el.id && document.querySelector('label[for="' + el.id + '"]');
  if (label) return label.textContent.trim();
  return (el.tagName === 'INPUT' ? el.value : el.textContent).trim();
}"""


def tab_to(page, text: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's text or label starts with `text`, checking that
    every element the keyboard lands on shows a visible focus style on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = " ".join(page.evaluate(DESCRIBE_FOCUS).split())
        if not focused:  # past the last link: focus has left the page
            break
        assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {focused!r} at {page.url}"
        if focused.startswith(text):
            return
    raise AssertionError(f"the keyboard never reached {text!r} on {page.url}")
