"""The bundled basemap: complete, valid, projected, with the region's islands."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Point

from bsr_map.geo.basemap import LOD_LAYERS, LODS, lod_for_resolution
from bsr_map.geo.projection import FRAME, INSET_CRS, MAP_CRS, REGION_EXTENT, from_lonlat

NAMED_COUNTRIES = {"DE", "DK", "EE", "FI", "LT", "LV", "PL", "SE", "NO", "RU", "BY"}
MEMBERS = {"DE", "DK", "EE", "FI", "LT", "LV", "PL", "SE"}

# A point inside each island, its country, and an upper bound of its area in km².
ISLANDS = {
    "Gotland": (18.55, 57.45, "SE", 3_500),
    "Bornholm": (14.92, 55.12, "DK", 700),
    "Öland": (16.60, 56.70, "SE", 1_500),
    "Åland": (19.93, 60.12, "FI", 1_000),
    "Saaremaa": (22.50, 58.40, "EE", 3_000),
    "Hiiumaa": (22.60, 58.88, "EE", 1_100),
    "Rügen": (13.40, 54.45, "DE", 1_100),
}


def all_layer_names():
    return [f"{layer}_{lod}" for layer in LOD_LAYERS for lod in LODS] + ["cities", "inset_cities", "seas"]


@pytest.mark.parametrize("name", all_layer_names())
def test_every_geometry_is_valid_and_not_empty(basemap, name):
    layer = basemap.layer(name)
    if name.startswith("inset_lakes"):
        return  # Natural Earth 1:10m has no Icelandic lake large enough to keep
    assert len(layer) > 0
    assert shapely.is_valid(layer.geometry.values).all()
    assert not shapely.is_empty(layer.geometry.values).any()


@pytest.mark.parametrize("name", all_layer_names())
def test_every_layer_has_its_crs(basemap, name):
    expected = INSET_CRS if name.startswith("inset_") else MAP_CRS
    assert basemap.layer(name).crs == expected


def test_named_countries_present_with_roles(basemap):
    countries = basemap.countries.set_index("iso_a2")
    assert set(countries.index) >= NAMED_COUNTRIES
    assert set(countries.index[countries.role == "member"]) == MEMBERS
    assert countries.loc["NO", "role"] == "partner"
    assert countries.loc["RU", "role"] == "context"
    inset = basemap.layer("inset_countries", "full")
    assert list(inset.iso_a2) == ["IS"] and inset.role.iloc[0] == "partner"


def test_countries_carry_multilingual_names(basemap):
    de = basemap.countries.set_index("iso_a2").loc["DE"]
    assert (de.name_en, de.name_de, de.name_pl, de.name_sv, de.name_ru, de.name_ja) == (
        "Germany",
        "Deutschland",
        "Niemcy",
        "Tyskland",
        "Германия",
        "ドイツ",
    )
    assert basemap.countries.set_index("iso_a2").loc["FI", "name_local"] == "Suomi"


@pytest.mark.parametrize("lod", ["full", "1km"])
@pytest.mark.parametrize("island", sorted(ISLANDS))
def test_islands_are_separate_land_parts(basemap, island, lod):
    lon, lat, country, max_km2 = ISLANDS[island]
    point = Point(from_lonlat(lon, lat))
    geometry = basemap.layer("countries", lod).set_index("iso_a2").loc[country, "geometry"]
    parts = [p for p in shapely.get_parts(geometry) if p.contains(point)]
    assert len(parts) == 1, f"{island} is not land of {country} at {lod}"
    assert 50 < parts[0].area / 1e6 < max_km2, f"{island} is joined to other land at {lod}"


def test_kaliningrad_is_russian_exclave(basemap):
    russia = basemap.countries.set_index("iso_a2").loc["RU", "geometry"]
    point = Point(from_lonlat(20.51, 54.71))
    (part,) = [p for p in shapely.get_parts(russia) if p.contains(point)]
    assert 10_000 < part.area / 1e6 < 20_000


def test_aland_is_part_of_finland(basemap):
    assert "AX" not in set(basemap.countries.iso_a2)


def test_geometry_is_clipped_to_the_frame_and_region_fits(basemap):
    xmin, ymin, xmax, ymax = basemap.countries.total_bounds
    fx0, fy0, fx1, fy1 = FRAME
    margin = 160_000
    assert fx0 - margin <= xmin and xmax <= fx1 + margin and fy0 - margin <= ymin and ymax <= fy1 + margin
    members = basemap.countries[basemap.countries.role != "context"]
    mainland = shapely.union_all([p for g in members.geometry for p in shapely.get_parts(g) if p.area > 5e9])
    rx0, ry0, rx1, ry1 = REGION_EXTENT
    bx0, by0, bx1, by1 = mainland.bounds
    assert rx0 <= bx0 and by0 >= ry0 and bx1 <= rx1 and by1 <= ry1


def test_levels_of_detail_get_coarser(basemap):
    counts = [shapely.get_num_coordinates(basemap.layer("countries", lod).geometry.values).sum() for lod in LODS]
    assert counts == sorted(counts, reverse=True) and counts[0] > 2 * counts[-1]


def test_level_of_detail_stays_below_a_pixel():
    assert lod_for_resolution(5000.0) == "2500m"
    assert lod_for_resolution(1500.0) == "1km"
    assert lod_for_resolution(1000.0) == "250m"  # 1 km is not below a 1 km pixel
    assert lod_for_resolution(100.0) == "full"


def test_capitals_and_large_cities(basemap):
    cities = basemap.layer("cities")
    capitals = set(cities.name[cities.capital])
    assert {"Berlin", "Copenhagen", "Tallinn", "Helsinki", "Vilnius", "Riga", "Warsaw", "Stockholm", "Oslo"} <= capitals
    assert (cities.population[~cities.capital] >= 100_000).all()
    assert set(basemap.layer("inset_cities").name) == {"Reykjavík"}


def test_sea_labels_lie_in_open_water(basemap):
    land = shapely.union_all(basemap.layer("countries", "full").geometry.values)
    seas = basemap.layer("seas")
    assert set(seas.name_en) == {
        "Baltic Sea",
        "Gulf of Bothnia",
        "Gulf of Finland",
        "Gulf of Riga",
        "Kattegat",
        "Skagerrak",
        "North Sea",
        "Norwegian Sea",
    }
    assert not any(land.contains(p) for p in seas.geometry)
