"""Territory colours: parsing, WCAG contrast, and the shades derived for the theme."""

import re

from django.core.exceptions import ValidationError

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
# The dark text drawn on the secondary colour (same value as --hc-ink in static/css/site.css).
INK = "#161616"
# WCAG 2.1 AA for normal text (RGAA criterion 3.2).
MIN_CONTRAST = 4.5


def parse_hex(value: str) -> tuple[int, int, int]:
    if not HEX_COLOR.match(value or ""):
        raise ValidationError(
            "Indiquez une couleur au format hexadécimal, par exemple #1B3A6B.", code="format"
        )
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def _relative_luminance(value: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted([_relative_luminance(first), _relative_luminance(second)])[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def _french_ratio(ratio: float) -> str:
    return f"{ratio:.1f}".replace(".", ",")


def validate_primary_color(value: str) -> None:
    """The primary colour carries white text (header, buttons): it must be dark enough."""
    ratio = contrast_ratio(value, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"Cette couleur est trop claire pour y écrire du texte blanc : contraste de "
            f"{_french_ratio(ratio)}:1, il faut au moins 4,5:1 (RGAA, critère 3.2). "
            f"Choisissez une teinte plus foncée.",
            code="contrast",
        )


def validate_secondary_color(value: str) -> None:
    """The secondary colour carries dark text (bands, highlights): it must be light enough."""
    ratio = contrast_ratio(value, INK)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"Cette couleur est trop foncée pour y écrire du texte noir : contraste de "
            f"{_french_ratio(ratio)}:1, il faut au moins 4,5:1 (RGAA, critère 3.2). "
            f"Choisissez une teinte plus claire.",
            code="contrast",
        )


def darken(value: str, factor: float = 0.8) -> str:
    """A darker shade of a colour, for hover and active states."""
    return "#" + "".join(f"{round(c * factor):02x}" for c in parse_hex(value))


def rgb_triplet(value: str) -> str:
    """ "#1b3a6b" → "27, 58, 107", the form Bootstrap's *-rgb variables expect."""
    return ", ".join(str(c) for c in parse_hex(value))
