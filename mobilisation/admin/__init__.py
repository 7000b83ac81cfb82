"""The mobilisation in the admin: the Appel's text and its signatures."""

from . import appeal  # noqa: F401
