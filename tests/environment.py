"""The environment of the test run, set before Django reads its settings.

Loaded as a pytest plugin (`-p tests.environment` in pyproject.toml) because pytest-django
configures Django before any conftest.py is imported.
"""

import os

# Development-mode settings (no HTTPS redirect); pytest-django still runs the tests with
# DEBUG off. Production settings are checked separately, in a subprocess (tests/test_deploy.py).
os.environ.setdefault("DJANGO_DEBUG", "true")
# Links are read as production writes them (development's own default has a test of its own).
os.environ.setdefault("PORTAL_DOMAIN", "lheurecivique.fr")
# The test process creates and drops whole databases: no statement timeout for it. The timeouts
# are tested on servers of the tests' own (tests/integration/test_database_faults.py).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
os.environ.setdefault("DATABASE_CONNECT_TIMEOUT", "30")
# A CI machine under load can take more than production's 0.5 s to answer: tests would see
# Redis « down ». The fault tests give their own servers production's timeout.
os.environ.setdefault("REDIS_TIMEOUT", "5")
# Playwright's sync API runs an event loop in the test thread, next to the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
