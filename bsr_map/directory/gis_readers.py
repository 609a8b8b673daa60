"""Read GeoJSON, GeoPackage and Shapefile directories."""

from __future__ import annotations

import json
from pathlib import Path

from bsr_map.directory.columns import _column_warnings, map_columns
from bsr_map.directory.encoding import decode_text
from bsr_map.directory.limits import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS, too_long, too_many_columns, too_many_rows
from bsr_map.directory.raw_table import DirectoryReadError, RawRows, RawTable, _add_records, _checked, _new_table


def read_geojson(path: Path) -> RawTable:
    """Read a GeoJSON FeatureCollection of points (WGS 84, or the CRS it names)."""
    try:
        data = json.loads(decode_text(path.read_bytes()).text)
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
    if len(features) > MAX_ROWS:
        raise DirectoryReadError(too_many_rows(path.name, MAX_ROWS))
    seen: dict[str, None] = {}  # the properties of all features, in order (a dict: a list was quadratic)
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        if not isinstance(props, dict) or not isinstance(feature.get("geometry") or {}, dict):
            raise DirectoryReadError(
                f"{path.name}, feature {number}: its properties and geometry must be JSON objects."
            )
        if len(props) > MAX_COLUMNS:
            raise DirectoryReadError(
                f"{path.name}, feature {number}, has {len(props):,} properties; "
                f"bsr-map reads at most {MAX_COLUMNS} columns (properties) from one file."
            )
        seen.update(dict.fromkeys(props))
        if len(seen) > MAX_COLUMNS:
            raise DirectoryReadError(too_many_columns(path.name, MAX_COLUMNS))
        for key, value in props.items():
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                raise DirectoryReadError(too_long(path.name, number, key, len(value)))
    headers = list(seen)
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
        why = _why_no_crs(path)
        inside = geometry[points]
        if len(inside) and inside.x.between(-180, 180).all() and inside.y.between(-90, 90).all():
            warning = f"{path.name} names no coordinate system ({why}); its degrees were read as WGS 84"
            if warning not in table.warnings:
                table.warnings.append(warning)
            geometry = geometry.set_crs("EPSG:4326", allow_override=True)
        else:
            raise DirectoryReadError(
                f"{path.name} names no coordinate system ({why}) and its coordinates are not degrees; "
                "give it a valid .prj file or export it with one."
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


def _why_no_crs(path: Path) -> str:
    """Why GDAL found no coordinate system: no .prj file, or one it cannot understand (and what it starts with)."""
    import zipfile

    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".prj")]
                text = archive.read(names[0])[:200] if names else None
                name = names[0] if names else ""
        except (zipfile.BadZipFile, OSError):
            return "no .prj file could be read"
    elif path.suffix.lower() == ".shp":
        prj = next((p for p in (path.with_suffix(".prj"), path.with_suffix(".PRJ")) if p.is_file()), None)
        text = prj.read_bytes()[:200] if prj is not None else None
        name = prj.name if prj is not None else ""
    else:
        return "its layer has none"
    if text is None:
        return "no .prj file"
    if not text.strip():
        return f"its {name} is empty"
    start = text.decode("utf-8", errors="replace").strip().splitlines()[0][:40]
    return f"its {name} is not a coordinate system GDAL understands: it starts “{start}”"
