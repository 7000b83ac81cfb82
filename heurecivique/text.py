import re
import unicodedata


def search_key(value: str) -> str:
    """Fold a text for accent- and case-insensitive search (« Haÿ-les-Roses » → "hay les roses")."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", without_accents.lower().replace("œ", "oe")).strip()
