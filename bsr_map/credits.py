"""Credits for the bundled data, shown in the app and on exported maps."""

CREDITS = (
    "Boundaries, lakes and coastlines: Natural Earth 1:10m (public domain), naturalearthdata.com.",
    "Cities: GeoNames (CC BY 4.0), geonames.org.",
    "Font: Noto Sans (SIL Open Font License 1.1).",
)
