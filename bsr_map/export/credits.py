"""Credits for the bundled data, shown in the app and on exported maps."""

CREDITS = (
    "Boundaries, lakes and coastlines: Natural Earth 1:10m (public domain), naturalearthdata.com.",
    "Cities: GeoNames (CC BY 4.0), geonames.org.",
    "Font: Noto Sans (SIL Open Font License 1.1).",
)


def map_attribution(directory_source: str = "", directory_date: str = "", *, cities: bool = True) -> str:
    """The credit line printed on exported maps.

    Parameters
    ----------
    directory_source : str
        Name of the directory shown (a file name or "bsr-map bundled directory").
    directory_date : str
        The latest "last verified" date of the agencies shown.
    cities : bool
        Whether GeoNames cities are on the map.
    """
    parts = ["Boundaries, lakes: Natural Earth 1:10m (public domain)"]
    if cities:
        parts.append("cities: GeoNames (CC BY 4.0)")
    if directory_source:
        parts.append(f"agencies: {directory_source}" + (f", verified up to {directory_date}" if directory_date else ""))
    parts.append("projection ETRS89-LAEA Europe (EPSG:3035), Iceland inset EPSG:3057")
    return "Sources: " + "; ".join(parts) + "."
