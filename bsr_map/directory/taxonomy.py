"""The controlled vocabularies of the directory: agency types, sectors, services.

They are data, kept in ``resources/taxonomy.json``: each sector has an English
label, a colour and an icon. Lookups accept a code or a label in any case and
with or without accents, so spreadsheets written by people import cleanly.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bsr_map.util.paths import resources_dir


def fold(text: str) -> str:
    """Case-fold ``text`` and strip accents and punctuation, for matching.

    Examples
    --------
    >>> fold("Życie & Zdrowie")
    'zycieandzdrowie'
    """
    text = unicodedata.normalize("NFKD", str(text).replace("&", " and ").replace("ł", "l").replace("Ł", "L"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text.casefold() if ch.isalnum()).replace("ß", "ss")


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary."""

    code: str
    label: str
    color: str | None = None
    icon: str | None = None

    def icon_path(self) -> Path | None:
        """Absolute path of the term's icon, if it has one."""
        return resources_dir() / self.icon if self.icon else None


class Vocabulary:
    """An ordered vocabulary with forgiving lookups by code or label."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = {t.code: t for t in terms}
        self._lookup = {}
        for term in terms:
            for key in (term.code, term.label, term.label.replace(" and ", " & ")):
                self._lookup[fold(key)] = term.code

    def __iter__(self):
        return iter(self.terms.values())

    def __contains__(self, code: str) -> bool:
        return code in self.terms

    def __getitem__(self, code: str) -> Term:
        return self.terms[code]

    @property
    def codes(self) -> list[str]:
        """The codes in their defined order."""
        return list(self.terms)

    def code_for(self, text: str) -> str | None:
        """The code that ``text`` names (a code or a label), or None."""
        return self._code_for(text)

    @lru_cache(maxsize=4096)  # noqa: B019 (a vocabulary lives as long as the app) a file repeats a few spellings in thousands of rows
    def _code_for(self, text: str) -> str | None:
        return self._lookup.get(fold(text))

    def label(self, code: str) -> str:
        """The English label of ``code``."""
        return self.terms[code].label


@dataclass(frozen=True)
class Taxonomy:
    """Agency types, sectors and services."""

    agency_types: Vocabulary
    sectors: Vocabulary
    services: Vocabulary


@cache
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read the taxonomy (the bundled one by default).

    Parameters
    ----------
    path : str or Path, optional
        A taxonomy JSON file with ``agency_types``, ``sectors`` and ``services``.

    Returns
    -------
    Taxonomy
    """
    path = Path(path) if path else resources_dir() / "taxonomy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return Taxonomy(
        *(Vocabulary(key, [Term(**item) for item in data[key]]) for key in ("agency_types", "sectors", "services"))
    )
