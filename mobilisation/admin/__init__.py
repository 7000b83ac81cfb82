"""The mobilisation in the admin: the Appel's text and its signatures; the messages to
volunteers; the crisis mode; the heatwave watch."""

from . import appeal, calls, crises, watch  # noqa: F401
