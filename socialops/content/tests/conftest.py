"""The browser fixtures of the accounts app's browser tests, shared here."""

from socialops.accounts.tests.test_browser import browser, page  # noqa: F401
