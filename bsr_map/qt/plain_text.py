"""Agency data in Qt widgets: always shown as the literal characters, never as markup.

Qt guesses whether a label's or tooltip's text is HTML (``Qt::mightBeRichText``),
so a name such as ``<b>Bold</b>`` would be rendered bold, an ``<img>`` loaded
and a ``file://`` link made clickable. Widgets that need rich text for their
layout build it here, from escaped pieces only; the rest show plain text.
"""

from __future__ import annotations

from html import escape

#: U+2060 WORD JOINER: no line break on either side, drawn as nothing.
WORD_JOINER = "\u2060"
#: U+200B ZERO WIDTH SPACE: a line may break here, drawn as nothing.
BREAK_HERE = "\u200b"
NO_BREAK_SPACE = "\u00a0"
#: Link schemes the card may open; anything else (file:, javascript:, …) stays text.
SAFE_SCHEMES = ("http://", "https://")


def literal_html(text: str) -> str:
    """Rich text that shows ``text`` literally, whatever it contains (for tooltips and message boxes).

    The escaped text is wrapped in a paragraph so Qt always takes it for
    rich text and shows ``&lt;`` as ``<`` (escaped text Qt took for plain
    text would show the entities themselves).

    Parameters
    ----------
    text : str
        Any text, e.g. an agency's name.

    Returns
    -------
    str
        Rich text for ``QWidget.setToolTip``, ``QToolTip.showText`` or ``QMessageBox``.

    Examples
    --------
    >>> literal_html("<b>A</b> & B")
    '<p>&lt;b&gt;A&lt;/b&gt; &amp; B</p>'
    """
    return f"<p>{escape(text).replace(chr(10), '<br>')}</p>"


def unbreakable(text: str) -> str:
    """HTML of ``text`` that a line never breaks inside (a phone number, a sector chip)."""
    return WORD_JOINER.join(NO_BREAK_SPACE if c == " " else escape(c) for c in text)


def breakable_at(text: str, after: str = "/.@") -> str:
    """HTML of ``text`` that a line breaks only after one of the characters in ``after``.

    Web and e-mail addresses wrap at their natural joints
    (``invest-in-x.de/ en/ contact``), never after a hyphen or in a word.
    """
    pieces: list[str] = []
    for i, c in enumerate(text):
        pieces.append(escape(c))
        last = i == len(text) - 1
        if not last:
            joint = c in after and text[i + 1] not in after  # "https://" breaks after the second slash only
            pieces.append(BREAK_HERE if joint else WORD_JOINER)
    return "".join(pieces)


def web_address(url: str) -> str:
    """HTML of a web address: a link when it is http(s), wrapping only at ``/`` and ``.``; text otherwise."""
    if not url:
        return ""
    shown = breakable_at(url, "/.")
    if url.lower().startswith(SAFE_SCHEMES):
        return f"<a href='{escape(url, quote=True)}'>{shown}</a>"
    return shown
