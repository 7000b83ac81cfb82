"""The mobilisation in the admin: the Appel's text and its signatures; the crisis mode."""

from . import appeal, crises  # noqa: F401
