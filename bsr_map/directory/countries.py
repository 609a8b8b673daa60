"""Countries as people name them: ISO codes from names in English and the region's languages, and back."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from bsr_map.directory.taxonomy import fold

__all__ = ["country_code", "country_name"]

#: Country names in the region's languages that pycountry does not know.
_COUNTRY_NAMES = {
    "DE": ["Deutschland", "Niemcy", "Tyskland", "Saksa", "Saksamaa", "Vācija", "Vokietija", "Þýskaland"],
    "DK": ["Danmark", "Dania", "Dänemark", "Tanska", "Taani", "Dānija", "Danija", "Danmörk"],
    "EE": ["Eesti", "Estland", "Estonia", "Viro", "Igaunija", "Estija", "Eistland"],
    "FI": [
        "Suomi",
        "Finnland",
        "Finlandia",
        "Finland",
        "Soome",
        "Somija",
        "Suomija",
        "Åland",
        "Ahvenanmaa",
        "AX",
    ],  # Åland is part of Finland's territory on this map
    "IS": ["Ísland", "Island", "Islandia", "Islanti", "Islande", "Islande", "Islandija"],
    "LT": ["Lietuva", "Litauen", "Litwa", "Liettua", "Leedu", "Lietuva", "Litháen"],
    "LV": ["Latvija", "Lettland", "Łotwa", "Latvia", "Läti", "Lettország"],
    "NO": ["Norge", "Noreg", "Norwegen", "Norwegia", "Norja", "Norra", "Norvēģija", "Norvegija", "Noregur"],
    "PL": ["Polska", "Polen", "Puola", "Poola", "Polija", "Lenkija", "Pólland"],
    "SE": ["Sverige", "Schweden", "Szwecja", "Ruotsi", "Rootsi", "Zviedrija", "Švedija", "Svíþjóð"],
    "RU": ["Russia", "Russland", "Rosja", "Ryssland", "Venäjä", "Venemaa", "Krievija", "Rusija", "Россия"],
    "BY": [
        "Belarus",
        "Weißrussland",
        "Białoruś",
        "Vitryssland",
        "Valko-Venäjä",
        "Valgevene",
        "Baltkrievija",
        "Baltarusija",
        "Беларусь",
    ],
}
_COUNTRY_LOOKUP = {fold(name): code for code, names in _COUNTRY_NAMES.items() for name in names}


@lru_cache(maxsize=4096)  # a file repeats a few spellings in thousands of rows
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country code or name in English or a regional language."""
    text = str(value).strip()
    if not text:
        return None
    if fold(text) in _COUNTRY_LOOKUP:
        return _COUNTRY_LOOKUP[fold(text)]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str:
    """English short name of an ISO 3166-1 alpha-2 code ("DE" -> "Germany")."""
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)
