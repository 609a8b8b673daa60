"""The directory's schema and its validation, in one place.

Every way into the directory (the bundled file, an import, later the editing
form) checks a record with :func:`validate_record`. Values are normalised on
the way: country names become ISO codes, sector labels become codes, dates
become ``YYYY-MM-DD``. See ``docs/directory-schema.md`` for the documentation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from bsr_map.directory.countries import country_code, country_name
from bsr_map.directory.taxonomy import Taxonomy, fold

#: The ten countries whose agencies the directory holds.
DIRECTORY_COUNTRIES = ("DE", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "SE")
#: Countries shown as geography only: cooperation has been suspended since 2022.
SUSPENDED_COUNTRIES = ("RU", "BY")
MAX_DESCRIPTION = 600


@dataclass(frozen=True)
class Field:
    """One field of the schema."""

    name: str
    label: str
    kind: str  # text, list, date, url, email, phone, country, type, sectors, services, languages, id, choice
    required: bool
    doc: str


FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "ID",
        "id",
        True,
        "Stable identifier: letters a–z, digits, hyphens and underscores (imports are lower-cased), e.g. `fi-business-finland`. Made from the country and name when an import has none.",
    ),
    Field("name", "Name", "text", True, "Name in English."),
    Field("local_name", "Local name", "text", False, "Name in the local language."),
    Field(
        "type",
        "Type",
        "type",
        True,
        "Agency type code from the taxonomy: national_agency, regional_agency, city_agency, economic_zone, network.",
    ),
    Field(
        "country",
        "Country",
        "country",
        True,
        "ISO 3166-1 alpha-2 code of one of DE, DK, EE, FI, IS, LT, LV, NO, PL, SE (names in English or the local language are converted).",
    ),
    Field("region", "Region", "text", False, "State, voivodeship, county or region."),
    Field("city", "City", "text", True, "City of the office."),
    Field("street_address", "Street address", "text", False, "Street and number of the office."),
    Field("postcode", "Postcode", "text", False, "Postal code."),
    Field(
        "sectors",
        "Sectors",
        "sectors",
        True,
        "One or more sector codes from the taxonomy; the first is the primary sector that colours the marker.",
    ),
    Field(
        "services",
        "Services",
        "services",
        False,
        "Services offered, codes from the taxonomy (site_search, incentives, soft_landing, aftercare, talent_attraction, …).",
    ),
    Field("languages", "Languages", "languages", False, "ISO 639-1 codes of the languages investors are served in."),
    Field("website", "Website", "url", False, "Official website, an http(s) URL."),
    Field("email", "E-mail", "email", False, "Generic organisation address (no personal addresses)."),
    Field("phone", "Phone", "phone", False, "Organisation switchboard in international format, e.g. +358 29 505 5000."),
    Field(
        "description",
        "Description",
        "text",
        False,
        f"What the organisation does for investors, at most {MAX_DESCRIPTION} characters.",
    ),
    Field("last_verified", "Last verified", "date", False, "Date the entry was last checked, YYYY-MM-DD."),
    Field("source", "Source", "text", False, "Where the facts were checked."),
    Field(
        "verification",
        "Verification",
        "choice",
        False,
        "How far a fact-check confirmed the entry: confirmed, partly confirmed or unconfirmed (blank: not checked).",
    ),
    Field(
        "location_precision",
        "Location precision",
        "choice",
        False,
        "What the point marks: the office's address, its district or only its city (blank: not stated).",
    ),
)
#: The values a ``choice`` field may take (blank is always allowed: these fields are optional).
CHOICES: dict[str, tuple[str, ...]] = {
    "verification": ("confirmed", "partly confirmed", "unconfirmed"),
    "location_precision": ("address", "district", "city"),
}
FIELD_NAMES = tuple(f.name for f in FIELDS)
LIST_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("sectors", "services", "languages"))
#: Location columns of tabular files (WGS 84 degrees).
LOCATION_FIELDS = ("lat", "lon")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
# Host names may be internationalised (münchen.de); the top-level domain has at least two letters.
_HOST = r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
_URL = re.compile(rf"^https?://{_HOST}(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)
_EMAIL = re.compile(rf"^[\w.%+'-]+@{_HOST}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: Line breaks of every kind (CR, LF, NEL, the Unicode line and paragraph separators), and the
#: vertical tab and form feed that some programs treat as one.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
#: Text fields that hold one line: a name or an address line goes into vCard properties, QR codes and labels.
SINGLE_LINE_FIELDS = ("name", "local_name", "region", "city", "street_address", "postcode", "source")
_LIST_SPLIT = re.compile(r"\s*[;,|\n]\s*")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one value of one row of one file.

    ``row`` counts as the user sees it: the spreadsheet row (the header is
    row 1) or the feature's position (from 1); None for the file as a whole.
    ``column`` is the column's name as written in the file.
    """

    source: str
    row: int | None
    column: str | None
    message: str
    field: str | None = None  # the schema field, when the file names its column differently

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
            if self.field and self.field != self.column:
                where += f" ({self.field})"
        return f"{where}: {self.message}"


def postal_address(record: dict) -> str:
    """The agency's address on one line: street, postcode and city, region, country (blank parts left out)."""
    parts = (
        record["street_address"],
        f"{record['postcode']} {record['city']}".strip(),
        record["region"],
        country_name(record["country"]),
    )
    return ", ".join(part for part in parts if part)


@lru_cache(maxsize=4096)
def language_code(value: str) -> str | None:
    """ISO 639-1 code for a language code or English name ("German" -> "de")."""
    text = str(value).strip()
    if len(text) == 2:
        language = pycountry.languages.get(alpha_2=text.lower())
        return language.alpha_2 if language else None
    try:
        language = pycountry.languages.lookup(text)
    except LookupError:
        return None
    return getattr(language, "alpha_2", None)


def split_list(value) -> list[str]:
    """A list field from a list, or from text separated by ``;``, ``,``, ``|`` or new lines."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value]
    else:
        items = _LIST_SPLIT.split(str(value).strip())
    return [item for item in items if item]


def parse_date(value) -> dt.date | None:
    """A date from ``YYYY-MM-DD``, ``DD.MM.YYYY``, ``DD/MM/YYYY`` or a date object; None when not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def slug_id(country: str, name: str) -> str:
    """An id made from a country code and a name: ``fi-business-finland``."""
    words = re.sub(r"[^a-z0-9]+", "-", fold_words(name)).strip("-")
    return f"{country.lower()}-{words[:60].rstrip('-')}"


def fold_words(text: str) -> str:
    """Lower case without accents, keeping word breaks."""
    return " ".join(fold(word) for word in str(text).split())


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return str(value).strip() == ""


def validate_record(
    raw: dict,
    taxonomy: Taxonomy,
    *,
    source: str,
    row: int | None,
    today: dt.date | None = None,
    synonyms: dict[tuple[str, str, str], list[int]] | None = None,
) -> tuple[dict, list[Problem]]:
    """Normalise and check one record against the schema.

    Parameters
    ----------
    raw : dict
        Field name -> value as read (strings, numbers, lists or None). Location
        is not checked here (see :mod:`bsr_map.directory.location`).
    taxonomy : Taxonomy
    source, row : str, int or None
        Where the record comes from, for the messages.
    today : datetime.date, optional
        Dates after it are refused; today's date by default.
    synonyms : dict, optional
        Filled with ``(field, value as written, code) -> [row, …]`` for each sector, service or
        type matched through a synonym (see :meth:`~bsr_map.directory.taxonomy.Vocabulary.synonym_for`).

    Returns
    -------
    record : dict
        Every schema field, normalised (lists for list fields, "" for blanks).
    problems : list of Problem
        Empty when the record is valid.
    """
    problems: list[Problem] = []
    record: dict = {}
    today = today or dt.date.today()

    def problem(column: str, message: str) -> None:
        problems.append(Problem(source, row, column, message))

    def matched(field_name: str, written: str, code: str) -> None:
        if synonyms is not None and row is not None:
            synonyms.setdefault((field_name, written, code), []).append(row)

    for field in FIELDS:
        value = raw.get(field.name)
        if _is_blank(value):
            if field.required and field.name != "id":
                problem(field.name, f"{field.label} is missing")
            record[field.name] = [] if field.name in LIST_FIELDS else ""
            continue
        if (not_text := _not_text(value, field.name in LIST_FIELDS)) is not None:
            problem(field.name, not_text)
            record[field.name] = [] if field.name in LIST_FIELDS else ""
            continue
        record[field.name] = _normalise(field, value, taxonomy, today, problem, matched)

    if not record["id"] and record["country"] and record["name"]:
        record["id"] = slug_id(record["country"], record["name"])
    return record, problems


def _not_text(value, is_list: bool) -> str | None:
    """What is wrong with a value that is a JSON object, a list or a boolean where text belongs; None if nothing."""
    import json

    def shown(v) -> str:
        text = json.dumps(v, ensure_ascii=False, default=str)
        return text if len(text) <= 60 else text[:59] + "…"

    if isinstance(value, dict):
        return f"is a JSON object ({shown(value)}), not text: give the value itself (e.g. the English name)"
    if isinstance(value, bool):
        return f"is {shown(value)}, not text"
    if isinstance(value, (list, tuple)):
        if not is_list:
            return f"is a list ({shown(list(value))}), not one value"
        if any(isinstance(v, (dict, list, tuple, bool)) or v is None for v in value):
            return f"is a list holding something other than text ({shown(list(value))})"
    return None


def _normalise(field: Field, value, taxonomy: Taxonomy, today: dt.date, problem, matched):
    name, kind = field.name, field.kind
    if kind in ("sectors", "services", "languages"):
        items = split_list(value)
        vocabulary = {"sectors": taxonomy.sectors, "services": taxonomy.services}.get(kind)
        codes = []
        for item in items:
            code = vocabulary.code_for(item) if vocabulary else language_code(item)
            if code is None and vocabulary is not None:
                code = vocabulary.synonym_for(item)
                if code is not None:
                    matched(name, item, code)
            if code is None:
                what = kind[:-1] if kind != "services" else "service"
                known = f"; known {kind}: {vocabulary.describe()}" if vocabulary is not None else ""
                problem(name, f"unknown {what} '{item}'{known}")
            elif code not in codes:
                codes.append(code)
        return codes
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer() and kind in ("text", "phone"):
        text = str(int(value))  # a postcode or phone number read as a number from a spreadsheet
    if kind == "id":
        if not text.islower():
            text = text.lower()  # ids compare without case: "FI-001" is "fi-001" (a lower-case id is kept as it is)
        if not _ID.match(text):
            problem(name, f"'{text}' is not a valid id (letters a–z, digits, '-' and '_', at most 80 characters)")
        return text
    if kind == "type":
        code = taxonomy.agency_types.code_for(text)
        if code is None and (code := taxonomy.agency_types.synonym_for(text)) is not None:
            matched(name, text, code)
        if code is None:
            problem(name, f"unknown agency type '{text}'; expected one of {', '.join(taxonomy.agency_types.codes)}")
            return text
        return code
    if kind == "country":
        code = country_code(text)
        if code is None:
            problem(name, f"unknown country '{text}'")
            return text
        if code in SUSPENDED_COUNTRIES:
            problem(name, f"agencies in {code} are not listed: cooperation with them has been suspended since 2022")
        elif code not in DIRECTORY_COUNTRIES:
            problem(
                name, f"{code} is not a country of the Baltic Sea Region directory ({', '.join(DIRECTORY_COUNTRIES)})"
            )
        return code
    if kind == "url":
        if "://" not in text and re.match(rf"^{_HOST}(?:[/?#]\S*)?$", text):
            text = "https://" + text  # "www.example.com" as people type it
        elif text.lower().startswith(("http://", "https://")):
            scheme, rest = text.split("://", 1)
            text = f"{scheme.lower()}://{rest}"
        if not _URL.match(text):
            problem(name, f"'{text}' is not a web address (expected https://…)")
        return text
    if kind == "email":
        if not _EMAIL.match(text):
            problem(name, f"'{text}' is not an e-mail address")
        return text
    if kind == "phone":
        if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 6:
            problem(name, f"'{text}' is not a phone number (digits, spaces, + ( ) - / .)")
        return text
    if kind == "choice":
        wanted = " ".join(re.split(r"[\s_-]+", text.lower()))  # "Partly_Confirmed" is "partly confirmed"
        if wanted not in CHOICES[name]:
            problem(name, f"'{text}' is not a {field.label.lower()} value; expected one of {', '.join(CHOICES[name])}")
            return text
        return wanted
    if kind == "date":
        date = parse_date(value)
        if date is None:
            problem(name, f"'{text}' is not a date (expected YYYY-MM-DD)")
            return text
        if date > today + dt.timedelta(days=1):  # a day's grace: it is already tomorrow east of here
            problem(name, f"{date.isoformat()} is in the future")
        return date.isoformat()
    if _CONTROL.search(text):
        problem(name, "contains control characters (invisible codes that spreadsheets and GIS files cannot hold)")
    elif name in SINGLE_LINE_FIELDS and (found := _LINE_BREAK.search(text)):
        problem(
            name,
            f"contains a line break (U+{ord(found.group()):04X}) at character {found.start() + 1}; "
            f"{field.label.lower()} is one line (it goes into address cards and QR codes)",
        )
    if name == "description" and len(text) > MAX_DESCRIPTION:
        problem(name, f"description has {len(text)} characters, at most {MAX_DESCRIPTION} are allowed")
    return text
