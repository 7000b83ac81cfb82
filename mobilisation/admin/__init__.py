"""The mobilisation in the admin: the Appel's text and its signatures; the crisis mode; the
heatwave watch."""

from . import appeal, crises, watch  # noqa: F401
