"""Formatted text written by staff: Markdown turned into HTML, then sanitised by nh3 (Ammonia)."""

import markdown
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render_markdown(text: str) -> str:
    """Safe HTML from Markdown: only the tags above survive, links get rel="noopener noreferrer
    nofollow", and any raw HTML or script the text contained is removed."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
