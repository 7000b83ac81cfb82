"""The mobilisation in the admin: the Appel's text and its signatures, the messages to
volunteers."""

from . import appeal, calls  # noqa: F401
