"""The mobilisation in the admin: the Appel's text and its signatures; the heatwave watch."""

from . import appeal, watch  # noqa: F401
