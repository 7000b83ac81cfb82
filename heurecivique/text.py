import re
import unicodedata

import markdown
import nh3
from django.utils.dateformat import format as format_date
from django.utils.text import slugify


def search_key(value: str) -> str:
    """Fold a text for accent- and case-insensitive search (« Haÿ-les-Roses » → "hay les roses")."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", without_accents.lower().replace("œ", "oe")).strip()


def search_words(text: str) -> list[str]:
    """The words of a search, folded as search_key folds, each without the final s or x of a
    French plural: « écoles » looks for "ecole", which the stored text contains whether it says
    « école » or « écoles » (words are matched anywhere in it). Short words keep their letters
    (« bus », « jeux » and « jeu » aside, a three-letter word is rarely a plural)."""
    return [
        word[:-1] if len(word) > 3 and word[-1] in "sx" else word
        for word in search_key(text).split()
    ]


def search(queryset, text: str, field: str = "search_text"):
    """The rows whose folded text (`field`, filled by search_key) contains every word searched.
    A search with no letter or digit at all (« % », « _ », « ? ») finds nothing, rather than
    everything."""
    words = search_words(text)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


def long_date(day, pattern: str = "j F Y") -> str:
    """« 1er janvier 2026 », « 14 juillet 2026 », « mardi 1er décembre » (pattern "l j F"): the
    way a French letter writes a date, the first of the month as an ordinal."""
    text = format_date(day, pattern)
    return re.sub(r"\b1\b", "1er", text, count=1) if day.day == 1 else text


def count_of(count: int, one: str, many: str) -> str:
    """« 0 initiative publiée », « 1 initiative publiée », « 2 initiatives publiées »: French
    takes the singular up to 1 (ngettext without a catalogue would say « 0 initiatives »)."""
    return f"{count} {one if abs(count) < 2 else many}"


def approximately(count: int, plural: str) -> str:
    """« environ 45 000 heures données », « environ 1,2 million d'heures données »: a count
    known only roughly, rounded to what it is worth (two significant digits)."""
    rounded = round(count, 2 - len(str(count)))
    if rounded < 1_000_000:
        return f"environ {rounded:,} {plural}".replace(",", "\u202f")
    millions = round(count / 1_000_000, 1)
    number = f"{millions:.1f}".replace(".", ",").removesuffix(",0")
    unit = "million" if millions < 2 else "millions"
    of = "d'" if plural[0] in "aeiouyhéèêàâîô" else "de "
    return f"environ {number} {unit} {of}{plural}"


def unique_slug(model, title: str, pk=None) -> str:
    """A slug for this title, numbered when another row of the model already has it."""
    base = slugify(title)[:120] or "page"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def of_month(day, with_year: bool = False) -> str:
    """« de novembre », « d'avril 2026 »: a month after « de », elided before a vowel."""
    name = format_date(day, "F Y" if with_year else "F").lower()
    return f"d'{name}" if name[0] in "aeiou" else f"de {name}"


# Formatted text written by staff (good practices, the Appel): Markdown turned into HTML, then
# sanitised by nh3 (Ammonia).
MARKDOWN_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
MARKDOWN_ATTRIBUTES = {"a": {"href"}}


def render_markdown(text: str) -> str:
    """Safe HTML from Markdown: only the tags above survive, links get rel="noopener noreferrer
    nofollow", and any raw HTML or script the text contained is removed."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
