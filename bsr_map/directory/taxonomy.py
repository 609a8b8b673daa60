"""The controlled vocabularies of the directory: agency types, sectors, services.

They are data, kept in ``resources/taxonomy.json``: each sector has an English
label, a colour and an icon. Lookups accept a code or a label in any case and
with or without accents, so spreadsheets written by people import cleanly.
Words people use instead ("Energy", "Fintech", "Logistik", "Energetyka",
"Meri") are kept beside it in ``resources/synonyms.json``, in English and the
region's languages; a match through them is reported, never silent.
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

    def __init__(self, name: str, terms: list[Term], synonyms: dict[str, list[str]] | None = None):
        self.name = name
        self.terms = {t.code: t for t in terms}
        self._lookup = {}
        for term in terms:
            for key in (term.code, term.label, term.label.replace(" and ", " & ")):
                self._lookup[fold(key)] = term.code
        self._synonyms: dict[str, str] = {}
        for code, words in (synonyms or {}).items():
            if code not in self.terms:
                raise ValueError(f"synonyms for {name}: '{code}' is not a code of the taxonomy")
            for word in words:
                key = fold(word)
                if self._synonyms.get(key, code) != code:
                    raise ValueError(f"synonyms for {name}: '{word}' names both {self._synonyms[key]} and {code}")
                self._synonyms[key] = code

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

    def synonym_for(self, text: str) -> str | None:
        """The code that ``text`` names through a synonym ("Renewable energy" -> ``cleantech``), or None.

        Examples
        --------
        >>> load_taxonomy().sectors.synonym_for("Logistik")
        'logistics'
        """
        return self._synonyms.get(fold(text))

    def describe(self) -> str:
        """The terms for a message: ``ict (ICT & digital), life_sciences (Life sciences & health), …``."""
        return ", ".join(f"{t.code} ({t.label})" for t in self.terms.values())

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
        A taxonomy JSON file with ``agency_types``, ``sectors`` and ``services``; its synonyms are
        read from ``synonyms.json`` in the same folder, when there is one.

    Returns
    -------
    Taxonomy
    """
    path = Path(path) if path else resources_dir() / "taxonomy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    synonyms_path = path.with_name("synonyms.json")
    synonyms = json.loads(synonyms_path.read_text(encoding="utf-8")) if synonyms_path.is_file() else {}
    return Taxonomy(
        *(
            Vocabulary(key, [Term(**item) for item in data[key]], synonyms.get(key))
            for key in ("agency_types", "sectors", "services")
        )
    )
