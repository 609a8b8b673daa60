"""Read a directory file of any supported format into plain rows.

A reader returns :class:`RawTable`: the file's rows as dictionaries keyed by
schema field (columns already mapped from their aliases), each with the row
number a user would look for. Nothing is validated here.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from bsr_map.directory.taxonomy import fold

TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")

#: Column names people use, in English and the region's languages, per field.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifier", "agency id", "uid", "kennung", "identyfikator", "tunniste", "kood"),
    "name": (
        "name",
        "name en",
        "english name",
        "organisation",
        "organization",
        "agency",
        "nazwa",
        "namn",
        "navn",
        "nimi",
        "nimetus",
        "nosaukums",
        "pavadinimas",
        "bezeichnung",
        "heiti",
    ),
    "local_name": (
        "local name",
        "name local",
        "local",
        "original name",
        "name de",
        "lokaler name",
        "nazwa lokalna",
        "lokalt namn",
        "paikallinen nimi",
    ),
    "type": ("type", "agency type", "kind", "typ", "art", "rodzaj", "tyyppi", "tüüp", "tips", "tipas", "gerð"),
    "country": (
        "country",
        "country code",
        "countrycode",
        "iso",
        "iso2",
        "iso a2",
        "land",
        "staat",
        "kraj",
        "państwo",
        "maa",
        "riik",
        "valsts",
        "šalis",
        "salis",
        "valstybė",
    ),
    "region": (
        "region",
        "state",
        "bundesland",
        "province",
        "voivodeship",
        "województwo",
        "län",
        "county",
        "maakunta",
        "maakond",
        "novads",
        "apskritis",
        "fylke",
        "landsdel",
    ),
    "city": (
        "city",
        "town",
        "municipality",
        "stadt",
        "ort",
        "gemeinde",
        "miasto",
        "miejscowość",
        "stad",
        "by",
        "kommune",
        "kaupunki",
        "linn",
        "pilsēta",
        "miestas",
        "borg",
        "kommun",
    ),
    "street_address": (
        "street address",
        "street_add",
        "address",
        "street",
        "adresse",
        "anschrift",
        "straße",
        "strasse",
        "adres",
        "ulica",
        "gatuadress",
        "adress",
        "osoite",
        "katuosoite",
        "aadress",
        "adrese",
        "adresas",
        "heimilisfang",
    ),
    "postcode": (
        "postcode",
        "postal code",
        "post code",
        "zip",
        "zip code",
        "plz",
        "postleitzahl",
        "kod pocztowy",
        "postnummer",
        "postinumero",
        "sihtnumber",
        "pasta indekss",
        "pašto kodas",
        "póstnúmer",
    ),
    "lat": (
        "lat",
        "latitude",
        "y",
        "breite",
        "breitengrad",
        "geographische breite",
        "szerokość",
        "szerokość geograficzna",
        "latitud",
        "leveysaste",
        "leveys",
        "laius",
        "platums",
        "platuma",
        "breidd",
        "lat wgs84",
    ),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "x",
        "länge",
        "längengrad",
        "geographische länge",
        "długość",
        "długość geograficzna",
        "longitud",
        "pituusaste",
        "pituus",
        "pikkus",
        "garums",
        "ilguma",
        "lengd",
        "lon wgs84",
    ),
    "sectors": (
        "sectors",
        "sector",
        "industries",
        "industry",
        "branchen",
        "branche",
        "sektory",
        "sektor",
        "sektorer",
        "branscher",
        "bransje",
        "toimialat",
        "toimiala",
        "sektorid",
        "nozares",
        "sektoriai",
        "greinar",
    ),
    "services": (
        "services",
        "service",
        "dienstleistungen",
        "leistungen",
        "usługi",
        "tjänster",
        "tjenester",
        "palvelut",
        "teenused",
        "pakalpojumi",
        "paslaugos",
        "þjónusta",
    ),
    "languages": (
        "languages",
        "language",
        "sprachen",
        "sprache",
        "języki",
        "språk",
        "kielet",
        "keeled",
        "valodas",
        "kalbos",
        "tungumál",
    ),
    "website": (
        "website",
        "web site",
        "web",
        "url",
        "homepage",
        "www",
        "webseite",
        "internetseite",
        "strona",
        "strona www",
        "strona internetowa",
        "webbplats",
        "hjemmeside",
        "nettside",
        "verkkosivut",
        "kotisivu",
        "koduleht",
        "mājaslapa",
        "tīmekļa vietne",
        "svetainė",
        "vefsíða",
    ),
    "email": (
        "email",
        "e mail",
        "mail",
        "e-mail address",
        "email address",
        "epost",
        "e post",
        "e-post",
        "sähköposti",
        "e-posti",
        "e-pasts",
        "el paštas",
        "el. paštas",
        "netfang",
    ),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "phone number",
        "telefon",
        "telefonnummer",
        "telefono",
        "puhelin",
        "telefons",
        "tālrunis",
        "telefonas",
        "sími",
    ),
    "description": (
        "description",
        "descriptio",
        "about",
        "summary",
        "beschreibung",
        "opis",
        "beskrivning",
        "beskrivelse",
        "kuvaus",
        "kirjeldus",
        "apraksts",
        "aprašymas",
        "lýsing",
    ),
    "last_verified": (
        "last verified",
        "last_verif",
        "verified",
        "last checked",
        "checked",
        "verified on",
        "geprüft",
        "zuletzt geprüft",
        "zweryfikowano",
        "verifierad",
        "tarkistettu",
        "kontrollitud",
        "pārbaudīts",
        "patikrinta",
    ),
    "source": (
        "source",
        "sources",
        "quelle",
        "źródło",
        "källa",
        "kilde",
        "lähde",
        "allikas",
        "avots",
        "šaltinis",
        "heimild",
    ),
}
_ALIAS_LOOKUP = {fold(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in (name, *aliases)}


class DirectoryReadError(Exception):
    """The file cannot be read as a directory at all (not a table, empty, corrupt)."""


class RawRows(Sequence[tuple[int, dict]]):
    """A file's rows as ``(row number, {field: value})``, each dict made when the row is read.

    Rows are kept as lists of values in :attr:`fields` order: a dict per row
    costs several times the memory, which for a file of 100,000 agencies is
    more than a hundred megabytes. A reader of a large file may hold only one
    chunk of rows at a time and pass ``refill``, which :meth:`drain` calls for
    the next chunk; the sequence methods then see the current chunk only.
    """

    def __init__(self, fields=(), refill: Callable[[], bool] | None = None):
        self.fields = list(fields)
        self.refill = refill  # adds the next chunk of rows; False when the file has no more
        self._position = {name: i for i, name in enumerate(self.fields)}
        self._rows: list[tuple[int, list]] = []
        self._shared: dict[str, str] = {}

    def add(self, number: int, values: list) -> None:
        """Append a row: ``values`` in :attr:`fields` order (shorter lists are padded with None).

        Equal texts are kept once: a directory repeats its cities, types and sectors on every row.
        """
        shared = self._shared
        values = [shared.setdefault(v, v) if type(v) is str else v for v in values]
        self._rows.append((number, values + [None] * (len(self.fields) - len(values))))

    def set(self, index: int, name: str, value) -> None:
        """Set field ``name`` of the ``index``-th row (a field added with :meth:`add_field`)."""
        self._rows[index][1][self._position[name]] = value

    def add_field(self, name: str) -> None:
        """Make sure rows have a ``name`` field (before rows are added)."""
        if name not in self._position:
            self._position[name] = len(self.fields)
            self.fields.append(name)

    def numbers(self, start: int = 0) -> list[int]:
        """The numbers (as the user counts rows) of the rows from the ``start``-th on, in order."""
        return [number for number, _ in self._rows[start:]]

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[int, dict]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, dict]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, dict] | list[tuple[int, dict]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number, values = self._rows[index]
        return number, dict(zip(self.fields, values, strict=False))

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        fields = self.fields
        for number, values in self._rows:
            yield number, dict(zip(fields, values, strict=False))

    def drain(self) -> Iterator[tuple[int, dict]]:
        """Iterate over the rows once, letting go of each as it is handed out (the table is empty afterwards).

        Validating a large file this way needs memory for the file's rows or
        for the directory made of them, not for both at once; with ``refill``
        the next chunk is read when one is used up.
        """
        fields = self.fields
        while True:
            rows, self._rows = self._rows, []
            self._shared = {}  # the rows hold the texts; the lookup of equal texts is not needed any more
            rows.reverse()
            while rows:
                number, values = rows.pop()
                yield number, dict(zip(fields, values, strict=False))
            if self.refill is None or not self.refill():
                return


@dataclass
class RawTable:
    """Rows of a file, keyed by schema field, with user-facing row numbers."""

    source: str
    rows: RawRows = field(default_factory=RawRows)
    columns: dict[str, str] = field(default_factory=dict)  # schema field -> column name in the file
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things the user should know; they do not block an import
    row_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def map_columns(headers: list[str]) -> tuple[dict[int, str], dict[str, str], list[str], list[str]]:
    """Match a file's column headers to schema fields.

    Returns
    -------
    by_index : dict
        Column position -> schema field (the first column wins when two match).
    columns : dict
        Schema field -> the header as written in the file.
    unknown : list of str
        Headers that match no field.
    duplicates : list of str
        Headers that name a field an earlier column already gives.
    """
    by_index, columns, unknown, duplicates = {}, {}, [], []
    for i, header in enumerate(headers):
        name = _ALIAS_LOOKUP.get(fold(header or ""))
        if name is None:
            if str(header or "").strip():
                unknown.append(str(header))
        elif name not in columns:
            by_index[i] = name
            columns[name] = str(header)
        else:
            duplicates.append(str(header))
    return by_index, columns, unknown, duplicates


def _column_warnings(source: str, columns: dict, unknown: list[str], duplicates: list[str]) -> list[str]:
    warnings = [f"{source}: column '{c}' is not part of the directory schema and is not imported" for c in unknown]
    warnings += [
        f"{source}: column '{c}' repeats a field an earlier column already gives; it is ignored" for c in duplicates
    ]
    return warnings


def _table(source: str, headers: list, records, first_row: int, extra_fields=()) -> RawTable:
    table, by_index = _new_table(source, headers, extra_fields)
    _add_records(table, by_index, len(headers), records, first_row)
    return table


def _new_table(source: str, headers: list, extra_fields=()) -> tuple[RawTable, dict[int, str]]:
    by_index, columns, unknown, duplicates = map_columns([str(h) if h is not None else "" for h in headers])
    table = RawTable(
        source,
        rows=RawRows(by_index.values()),
        columns=columns,
        unknown_columns=unknown,
        warnings=_column_warnings(source, columns, unknown, duplicates),
    )
    for name in extra_fields:
        table.rows.add_field(name)
    return table, by_index


def _add_records(table: RawTable, by_index: dict[int, str], width: int, records, first_row: int) -> None:
    for number, values in enumerate(records, start=first_row):
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # blank line
        extra = [v for v in values[width:] if v is not None and str(v).strip() != ""]
        if extra:
            # Usually an unquoted separator inside a value: the row's columns have shifted.
            table.row_problems.append(
                (
                    number,
                    "",
                    (
                        f"the row has {width + len(extra)} values but the header has "
                        f"{width} columns (a separator inside an unquoted value?)"
                    ),
                )
            )
        table.rows.add(number, [values[i] if i < len(values) else None for i in by_index])


#: Legacy Windows code pages of the region, tried when a file is not UTF-8:
#: Western (German, Nordic), Central European (Polish), Baltic (Lithuanian, Latvian, Estonian).
LEGACY_ENCODINGS = ("cp1252", "cp1250", "cp1257")


#: Letters of the region's languages beyond ASCII: German, Nordic, Polish, Baltic.
REGION_LETTERS = set("äöüßåæøéÄÖÜÅÆØÉąćęłńóśźżĄĆĘŁŃÓŚŹŻāčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽėįųĖĮŲõÕ")


def _plausibility(text: str) -> int:
    """How much ``text`` reads like the region's languages: their letters count, symbols count against."""
    score = 0
    for ch in text:
        if ord(ch) > 127:
            score += 2 if ch in REGION_LETTERS else (0 if ch.isalpha() else -3)
    return score


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes; return the text and the encoding used.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such;
    anything else is decoded with the Windows code page of the region that
    turns most bytes into letters (1252 Western, 1250 Central European,
    1257 Baltic).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = [(data.decode(enc, errors="replace"), enc) for enc in LEGACY_ENCODINGS]
    return max(candidates, key=lambda c: _plausibility(c[0]))


def read_csv(path: Path) -> RawTable:
    """Read a CSV or tab-separated file; the delimiter (``,``, ``;`` or tab) is detected."""
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DirectoryReadError(f"{path.name} is not a text table (it contains binary data).")
    text, encoding = decode_text(data)
    if not text.strip():
        raise DirectoryReadError(f"{path.name} is empty.")
    # The delimiter is the one under which the header names the most known columns.
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(
        ",;\t", key=lambda d: (len(map_columns(next(csv.reader([header_line], delimiter=d)))[1]), header_line.count(d))
    )
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    headers, records = rows[0], rows[1:]
    table = _checked(path, _table(path.name, headers, records, first_row=2))
    if encoding not in ("utf-8", "utf-16"):
        table.warnings.append(f"{path.name} is not UTF-8; it was read as Windows code page {encoding[2:]}")
    return table


def read_xlsx(path: Path) -> RawTable:
    """Read the first worksheet of an Excel workbook; row 1 is the header."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DirectoryReadError(f"{path.name} is not a readable Excel workbook ({exc}).") from None
    try:
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows or all(v is None for v in rows[0]):
        raise DirectoryReadError(f"{path.name} is empty: its first worksheet has no header row.")
    return _checked(path, _table(path.name, rows[0], rows[1:], first_row=2))


def read_geojson(path: Path) -> RawTable:
    """Read a GeoJSON FeatureCollection of points (WGS 84, or the CRS it names)."""
    try:
        data = json.loads(decode_text(path.read_bytes())[0])
    except json.JSONDecodeError as exc:
        raise DirectoryReadError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DirectoryReadError(f"{path.name} is not a GeoJSON FeatureCollection.")
    features = data.get("features") or []
    if not features:
        raise DirectoryReadError(f"{path.name} is empty: it has no features.")
    crs_name = ((data.get("crs") or {}).get("properties") or {}).get("name")
    transform = None
    if crs_name and "CRS84" not in crs_name and not crs_name.endswith(":4326"):
        from bsr_map.geo.projection import to_lonlat

        transform = lambda x, y: to_lonlat(x, y, crs_name)  # noqa: E731
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise DirectoryReadError(f"{path.name}: 'features' must be a list of GeoJSON Feature objects.")
    headers: list[str] = []
    for feature in features:
        if not isinstance(feature.get("properties") or {}, dict) or not isinstance(feature.get("geometry") or {}, dict):
            raise DirectoryReadError(f"{path.name}: a feature's properties and geometry must be JSON objects.")
        for key in feature.get("properties") or {}:
            if key not in headers:
                headers.append(key)
    by_index, columns, unknown, duplicates = map_columns(headers)
    table = RawTable(
        path.name,
        rows=RawRows(by_index.values()),
        columns=columns,
        unknown_columns=unknown,
        warnings=_column_warnings(path.name, columns, unknown, duplicates),
    )
    table.rows.add_field("lon")
    table.rows.add_field("lat")
    for index, (number, feature) in enumerate(enumerate(features, start=1)):
        props = feature.get("properties") or {}
        table.rows.add(number, [props.get(headers[i]) for i in by_index])
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
            x, y = geometry["coordinates"][:2]
            lon, lat = transform(x, y) if transform else (x, y)
        elif geometry:
            lon = lat = f"not a point ({geometry.get('type')})"
        else:
            continue  # no geometry: lat and lon columns, if any, give the location
        table.rows.set(index, "lon", lon)
        table.rows.set(index, "lat", lat)
    table.columns.setdefault("lat", "geometry")
    table.columns.setdefault("lon", "geometry")
    return table


#: Features read from a GIS file at a time, each chunk validated before the next is read: a whole
#: file of 100,000 agencies as one data frame, or as raw rows, would double the memory the directory needs.
OGR_CHUNK = 10_000


def read_ogr(path: Path) -> RawTable:
    """Read a GeoPackage or Shapefile (the ``agencies`` layer, else the first; any CRS) with GDAL, in chunks."""
    import pyogrio

    def read(what, *args, **kwargs):
        try:
            return what(path, *args, **kwargs)
        except Exception as exc:  # GDAL reports corrupt files through several exception types
            raise DirectoryReadError(f"{path.name} cannot be read as a GIS file ({exc}).") from None

    names = [name for name, _ in read(pyogrio.list_layers)]
    if not names:
        raise DirectoryReadError(f"{path.name} has no layers.")
    layer = "agencies" if "agencies" in names else names[0]  # bsr-map's files keep more tables
    frame = read(pyogrio.read_dataframe, layer=layer, max_features=OGR_CHUNK)
    if not len(frame):
        raise DirectoryReadError(f"{path.name} is empty: it has no features.")
    if "geometry" not in frame.columns:
        raise DirectoryReadError(
            f"{path.name} has no geometry: use a point layer, or a table with lat and lon columns."
        )
    headers = [c for c in frame.columns if c != "geometry"]
    table, by_index = _new_table(path.name, headers, extra_fields=("lon", "lat"))
    _add_features(path, table, by_index, frame, first_row=1)
    read_so_far = len(frame)
    more = len(frame) == OGR_CHUNK
    del frame

    def refill() -> bool:
        # The next chunk, read when validation has used up the previous one.
        nonlocal read_so_far, more
        while more:
            chunk = read(pyogrio.read_dataframe, layer=layer, skip_features=read_so_far, max_features=OGR_CHUNK)
            more = len(chunk) == OGR_CHUNK
            if len(chunk):
                _add_features(path, table, by_index, chunk, first_row=read_so_far + 1)
                read_so_far += len(chunk)
            if len(table.rows):
                return True
        return False

    table.rows.refill = refill
    while not len(table.rows) and refill():  # a first chunk of blank features only
        pass
    table.columns["lat"] = table.columns["lon"] = "geometry"
    return _checked(path, table)


def _add_features(path: Path, table: RawTable, by_index: dict[int, str], frame, first_row: int) -> None:
    """Add a chunk of features to ``table``: attributes as they are, the point as ``lon`` and ``lat``."""
    geometry = frame.geometry.copy()
    multi = geometry.geom_type == "MultiPoint"
    geometry[multi] = [g.geoms[0] if len(g.geoms) == 1 else g for g in geometry[multi]]
    points = (geometry.geom_type == "Point").to_numpy()
    if frame.crs is None:
        inside = geometry[points]
        if len(inside) and inside.x.between(-180, 180).all() and inside.y.between(-90, 90).all():
            warning = f"{path.name} names no coordinate system (no .prj file); its degrees were read as WGS 84"
            if warning not in table.warnings:
                table.warnings.append(warning)
            geometry = geometry.set_crs("EPSG:4326", allow_override=True)
        else:
            raise DirectoryReadError(
                f"{path.name} names no coordinate system (the .prj file is missing) and its "
                "coordinates are not degrees; add the .prj file or export it with one."
            )
    wgs84 = geometry.to_crs("EPSG:4326")
    attributes = frame.drop(columns="geometry")
    records = ([None if _is_na(v) else v for v in row] for row in attributes.itertuples(index=False))
    first_index = len(table.rows)
    _add_records(table, by_index, attributes.shape[1], records, first_row)
    # Blank features are skipped: find each new row's feature by its number.
    for index, number in enumerate(table.rows.numbers(first_index), start=first_index):
        feature = number - first_row
        geom = wgs84.iat[feature]
        # The geometry is the location; stale lat/lon attribute columns do not override it.
        if points[feature]:
            table.rows.set(index, "lon", geom.x)
            table.rows.set(index, "lat", geom.y)
        elif geom is not None and not geom.is_empty:
            table.rows.set(index, "lon", f"not a point ({geom.geom_type})")
            table.rows.set(index, "lat", f"not a point ({geom.geom_type})")


def _is_na(value) -> bool:
    try:
        return value != value  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _checked(path: Path, table: RawTable) -> RawTable:
    if not table.rows:
        raise DirectoryReadError(f"{path.name} has a header but no data rows.")
    if "name" not in table.columns and "lat" not in table.columns:
        raise DirectoryReadError(
            f"{path.name} does not look like an agency directory: no column is a name or a location "
            f"(columns found: {', '.join(table.unknown_columns[:8]) or 'none'})."
        )
    return table


def read_table(path: str | Path) -> RawTable:
    """Read any supported directory file into a :class:`RawTable`.

    Raises
    ------
    DirectoryReadError
        The file is missing, of an unsupported type, empty or corrupt.
    """
    path = Path(path)
    if not path.is_file():
        raise DirectoryReadError(f"{path} does not exist.")
    if path.stat().st_size == 0:
        raise DirectoryReadError(f"{path.name} is empty.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return read_csv(path)
        if suffix == ".xlsx":
            return read_xlsx(path)
        if suffix in (".geojson", ".json"):
            return read_geojson(path)
        if suffix in (".gpkg", ".shp", ".zip"):
            return read_ogr(path)
    except DirectoryReadError:
        raise
    except UnicodeDecodeError as exc:
        raise DirectoryReadError(f"{path.name} cannot be decoded as text ({exc.reason}).") from None
    except csv.Error as exc:
        raise DirectoryReadError(f"{path.name} is not a valid CSV table ({exc}).") from None
    except Exception as exc:  # a damaged file surfaces as many exception types; the user gets one message
        raise DirectoryReadError(f"{path.name} cannot be read: {exc}") from None
    raise DirectoryReadError(
        f"{path.name}: unsupported file type '{suffix}'. Use CSV, XLSX, GeoJSON, GeoPackage or Shapefile."
    )
