"""Fixtures of the home's tests: the browser fixtures of tests/conftest.py (Debian's Chromium, log_in)."""

from tests.conftest import browser_type_launch_args, log_in  # noqa: F401
