"""Which character encoding a text file is in: UTF-8 first, else detected with charset-normalizer.

charset-normalizer proposes encodings; the region's legacy code pages are
always tried beside them, and the winner is the decoding that reads most like
the region's languages (its letters, a vowel between consonants), ties going
to the code page most common in the region. A user who knows better names the
encoding (``--encoding``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

#: Code pages tried for a file that is not UTF-8, most common in the region first: Windows Western,
#: Central European and Baltic, their ISO counterparts, Mac Roman, and Japanese (a partner's file).
CANDIDATE_ENCODINGS = (
    "cp1252",
    "cp1250",
    "cp1257",
    "iso8859-2",
    "iso8859-13",
    "iso8859-15",
    "mac-roman",
    "cp932",
    "shift_jis",
)

#: Letters of the region's languages beyond ASCII: German, Nordic, Polish, Baltic.
REGION_LETTERS = frozenset("äöüßåæøéÄÖÜÅÆØÉąćęłńóśźżĄĆĘŁŃÓŚŹŻāčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽėįųĖĮŲõÕ")
_VOWELS = frozenset("aeiouyAEIOUYäöüåæøéóąęāēīūėįųõÄÖÜÅÆØÉÓĄĘĀĒĪŪĖĮŲÕ")


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was decoded."""

    text: str
    encoding: str  # Python's codec name, e.g. "utf-8", "iso8859-2"
    detected: bool  # True when guessed (not UTF-8 or a byte-order mark, nor named by the user)
    cut_character: bool = False  # the file ends in the middle of a UTF-8 character


def encoding_label(encoding: str) -> str:
    """A name for the report: "ISO-8859-2", "Windows-1250", "Mac Roman", "Shift-JIS"."""
    name = codecs.lookup(encoding).name
    labels = {"mac-roman": "Mac Roman", "shift_jis": "Shift-JIS", "cp932": "Shift-JIS (Windows-31J)"}
    if name in labels:
        return labels[name]
    if name.startswith("cp") and name[2:].isdigit():
        return f"Windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return f"ISO-8859-{name[8:]}"
    return name.upper()


def plausibility(text: str) -> int:
    """How much ``text`` reads like the region's languages (or Japanese): higher is better."""
    score = 0
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        if ch in REGION_LETTERS:
            score += 2
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            neighbours = [c for c in (before, after) if c.isalpha()]
            # "Köln" is a word, "Kšln" is not: a vowel sits between consonants, a consonant beside a vowel.
            if ch in _VOWELS or any(c in _VOWELS for c in neighbours) or not neighbours:
                score += 1
        elif ch.isalpha():
            if "\u3040" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef":
                # A Japanese character takes two bytes, as much as two region letters with their bonus;
                # one wedged between Latin letters ("K\u8e6an") is a Western letter read as Japanese.
                latin = [c for c in text[i - 1 : i] + text[i + 1 : i + 2] if c.isascii() and c.isalpha()]
                score += -3 if latin else 4
        elif not ch.isspace():
            score -= 3  # symbols and control codes are what a wrong code page makes
    return score


def decode_text(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a text file's bytes.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        The encoding the user names; the file must decode in it.

    Returns
    -------
    Decoded

    Raises
    ------
    UnicodeDecodeError
        When the named encoding does not fit the bytes.
    LookupError
        When ``encoding`` is not an encoding Python knows.
    """
    if encoding is not None:
        name = codecs.lookup(encoding).name
        if name in ("utf-8", "utf-8-sig") and data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        return Decoded(data.decode(name), name, detected=False)
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8"), "utf-8", detected=False)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(data.decode("utf-16"), "utf-16", detected=False)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", detected=False)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # UTF-8 all through, cut inside the last character: a truncated file, not another encoding.
            return Decoded(data[: exc.start].decode("utf-8"), "utf-8", detected=False, cut_character=True)
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    proposed = [m.encoding for m in from_bytes(data[:200_000], steps=5, chunk_size=2048)][:3]
    order = list(dict.fromkeys([*CANDIDATE_ENCODINGS, *proposed]))
    best: tuple[int, int, str, str] | None = None
    for rank, encoding in enumerate(order):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, rank, encoding, text)
    if best is None:  # no candidate fits every byte: Windows-1252 maps all but five
        return Decoded(data.decode("cp1252", errors="replace"), "cp1252", detected=True)
    return Decoded(best[3], codecs.lookup(best[2]).name, detected=True)
