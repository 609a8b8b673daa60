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
from dataclasses import dataclass, field
from pathlib import Path

from bsr_map.directory.taxonomy import fold

TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")

#: Column names people use, in English and the region's languages, per field.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifier", "agency id", "uid", "kennung", "identyfikator", "tunniste", "kood"),
    "name": ("name", "name en", "english name", "organisation", "organization", "agency", "nazwa", "namn",
             "navn", "nimi", "nimetus", "nosaukums", "pavadinimas", "bezeichnung", "heiti"),
    "local_name": ("local name", "name local", "local", "original name", "name de", "lokaler name",
                   "nazwa lokalna", "lokalt namn", "paikallinen nimi"),
    "type": ("type", "agency type", "kind", "typ", "art", "rodzaj", "tyyppi", "tüüp", "tips", "tipas", "gerð"),
    "country": ("country", "country code", "countrycode", "iso", "iso2", "iso a2", "land", "staat", "kraj",
                "państwo", "maa", "riik", "valsts", "šalis", "salis", "valstybė"),
    "region": ("region", "state", "bundesland", "province", "voivodeship", "województwo", "län", "county",
               "maakunta", "maakond", "novads", "apskritis", "fylke", "landsdel"),
    "city": ("city", "town", "municipality", "stadt", "ort", "gemeinde", "miasto", "miejscowość", "stad", "by",
             "kommune", "kaupunki", "linn", "pilsēta", "miestas", "borg", "kommun"),
    "street_address": ("street address", "address", "street", "adresse", "anschrift", "straße", "strasse",
                       "adres", "ulica", "gatuadress", "adress", "osoite", "katuosoite", "aadress", "adrese",
                       "adresas", "heimilisfang"),
    "postcode": ("postcode", "postal code", "post code", "zip", "zip code", "plz", "postleitzahl",
                 "kod pocztowy", "postnummer", "postinumero", "sihtnumber", "pasta indekss", "pašto kodas",
                 "póstnúmer"),
    "lat": ("lat", "latitude", "y", "breite", "breitengrad", "geographische breite", "szerokość",
            "szerokość geograficzna", "latitud", "leveysaste", "leveys", "laius", "platums", "platuma", "breidd",
            "lat wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "x", "länge", "längengrad", "geographische länge", "długość",
            "długość geograficzna", "longitud", "pituusaste", "pituus", "pikkus", "garums", "ilguma", "lengd",
            "lon wgs84"),
    "sectors": ("sectors", "sector", "industries", "industry", "branchen", "branche", "sektory", "sektor",
                "sektorer", "branscher", "bransje", "toimialat", "toimiala", "sektorid", "nozares", "sektoriai",
                "greinar"),
    "services": ("services", "service", "dienstleistungen", "leistungen", "usługi", "tjänster", "tjenester",
                 "palvelut", "teenused", "pakalpojumi", "paslaugos", "þjónusta"),
    "languages": ("languages", "language", "sprachen", "sprache", "języki", "språk", "kielet", "keeled",
                  "valodas", "kalbos", "tungumál"),
    "website": ("website", "web site", "web", "url", "homepage", "www", "webseite", "internetseite", "strona",
                "strona www", "strona internetowa", "webbplats", "hjemmeside", "nettside", "verkkosivut",
                "kotisivu", "koduleht", "mājaslapa", "tīmekļa vietne", "svetainė", "vefsíða"),
    "email": ("email", "e mail", "mail", "e-mail address", "email address", "epost", "e post", "e-post",
              "sähköposti", "e-posti", "e-pasts", "el paštas", "el. paštas", "netfang"),
    "phone": ("phone", "telephone", "tel", "phone number", "telefon", "telefonnummer", "telefono", "puhelin",
              "telefons", "tālrunis", "telefonas", "sími"),
    "description": ("description", "about", "summary", "beschreibung", "opis", "beskrivning", "beskrivelse",
                    "kuvaus", "kirjeldus", "apraksts", "aprašymas", "lýsing"),
    "last_verified": ("last verified", "verified", "last checked", "checked", "verified on", "geprüft",
                      "zuletzt geprüft", "zweryfikowano", "verifierad", "tarkistettu", "kontrollitud",
                      "pārbaudīts", "patikrinta"),
    "source": ("source", "sources", "quelle", "źródło", "källa", "kilde", "lähde", "allikas", "avots", "šaltinis",
               "heimild"),
}
_ALIAS_LOOKUP = {fold(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in (name, *aliases)}


class DirectoryReadError(Exception):
    """The file cannot be read as a directory at all (not a table, empty, corrupt)."""


@dataclass
class RawTable:
    """Rows of a file, keyed by schema field, with user-facing row numbers."""

    source: str
    rows: list[tuple[int, dict]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # schema field -> column name in the file
    unknown_columns: list[str] = field(default_factory=list)


def map_columns(headers: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Match a file's column headers to schema fields.

    Returns
    -------
    by_index : dict
        Column position -> schema field (the first column wins when two match).
    columns : dict
        Schema field -> the header as written in the file.
    unknown : list of str
        Headers that match no field.
    """
    by_index, columns, unknown = {}, {}, []
    for i, header in enumerate(headers):
        name = _ALIAS_LOOKUP.get(fold(header or ""))
        if name is None:
            if str(header or "").strip():
                unknown.append(str(header))
        elif name not in columns:
            by_index[i] = name
            columns[name] = str(header)
    return by_index, columns, unknown


def _table(source: str, headers: list, records, first_row: int) -> RawTable:
    by_index, columns, unknown = map_columns([str(h) if h is not None else "" for h in headers])
    table = RawTable(source, columns=columns, unknown_columns=unknown)
    for number, values in enumerate(records, start=first_row):
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # blank line
        table.rows.append((number, {name: values[i] if i < len(values) else None for i, name in by_index.items()}))
    return table


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> RawTable:
    """Read a CSV or tab-separated file; the delimiter (``,``, ``;`` or tab) is detected."""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DirectoryReadError(f"{path.name} is not a text table (it contains binary data).")
    text = decode_text(data)
    if not text.strip():
        raise DirectoryReadError(f"{path.name} is empty.")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(",;\t", key=lambda d: sample.split("\n", 1)[0].count(d))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    headers, records = rows[0], rows[1:]
    return _checked(path, _table(path.name, headers, records, first_row=2))


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
        data = json.loads(decode_text(path.read_bytes()))
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
        from bsr_map.projection import to_lonlat

        transform = lambda x, y: to_lonlat(x, y, crs_name)  # noqa: E731
    headers: list[str] = []
    for feature in features:
        for key in (feature.get("properties") or {}):
            if key not in headers:
                headers.append(key)
    by_index, columns, unknown = map_columns(headers)
    table = RawTable(path.name, columns=columns, unknown_columns=unknown)
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        row = {name: props.get(headers[i]) for i, name in by_index.items()}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
            x, y = geometry["coordinates"][:2]
            lon, lat = transform(x, y) if transform else (x, y)
            row["lon"], row["lat"] = lon, lat
        elif geometry:
            row["lon"] = row["lat"] = f"not a point ({geometry.get('type')})"
        table.rows.append((number, row))
    table.columns.setdefault("lat", "geometry")
    table.columns.setdefault("lon", "geometry")
    return table


def read_ogr(path: Path) -> RawTable:
    """Read a GeoPackage or Shapefile (first layer, any CRS) with GDAL."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
        if not len(layers):
            raise DirectoryReadError(f"{path.name} has no layers.")
        frame = pyogrio.read_dataframe(path, layer=layers[0][0])
    except DirectoryReadError:
        raise
    except Exception as exc:  # GDAL reports corrupt files through several exception types
        raise DirectoryReadError(f"{path.name} cannot be read as a GIS file ({exc}).") from None
    if not len(frame):
        raise DirectoryReadError(f"{path.name} is empty: it has no features.")
    lon = lat = None
    if frame.crs is not None and frame.geometry is not None:
        wgs84 = frame.to_crs("EPSG:4326").geometry
        points = wgs84.geom_type == "Point"
        lon = wgs84.x.where(points) if points.any() else None
        lat = wgs84.y.where(points) if points.any() else None
    attributes = frame.drop(columns="geometry")
    headers = list(attributes.columns)
    records = [[None if _is_na(v) else v for v in row] for row in attributes.itertuples(index=False)]
    table = _table(path.name, headers, records, first_row=1)
    if lon is not None:
        for (number, row), x, y in zip(table.rows, lon, lat):
            row.setdefault("lon", x)
            row.setdefault("lat", y)
        table.columns.setdefault("lat", "geometry")
        table.columns.setdefault("lon", "geometry")
    return _checked(path, table)


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
    except UnicodeDecodeError as exc:
        raise DirectoryReadError(f"{path.name} cannot be decoded as text ({exc.reason}).") from None
    except csv.Error as exc:
        raise DirectoryReadError(f"{path.name} is not a valid CSV table ({exc}).") from None
    raise DirectoryReadError(
        f"{path.name}: unsupported file type '{suffix}'. Use CSV, XLSX, GeoJSON, GeoPackage or Shapefile."
    )

