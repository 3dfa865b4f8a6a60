"""Fixtures of the administration tests: the lockout tests' axes switch and member."""

from core.tests.test_lockout import axes_on, qualite  # noqa: F401 -- shared with the login lockout tests
