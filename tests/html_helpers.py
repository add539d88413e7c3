"""Reading HTML the project wrote as a browser would: its elements and its text."""

from __future__ import annotations

from html.parser import HTMLParser

# Text a user typed into a form, with everything that would be markup or a template if it were
# not escaped: a script, an ampersand entity, quotes that would close an attribute, and Jinja2.
HOSTILE = '<script>alert("x")</script> & &amp; "q" \'a\' {{ 7*7 }} {% if 1 %}'


class Page(HTMLParser):
    """The tags opened and the text of a page, entities decoded (as a reader sees it)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.texts: list[str] = []
        self.attrs: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [value or "" for _, value in attrs]

    def handle_data(self, data):
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def assert_inert(html: str, hostile: str = HOSTILE) -> Page:
    """``hostile`` reached the page as text: no script element, no evaluated template, and the
    reader sees the very characters typed."""
    page = Page(html)
    assert "script" not in page.tags
    assert "<script" not in html
    assert "49" not in page.text  # {{ 7*7 }} was not evaluated
    assert hostile in page.text
    return page
