"""Pytest plugin loaded early with `-p tests.testenv` (see pyproject.toml).

It runs before pytest-django imports the settings, which refuse to start without a SECRET_KEY
when DEBUG is off (as it is under test). A SECRET_KEY set in the environment wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
