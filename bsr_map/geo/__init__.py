"""Geography: the map projection, the map view and the bundled basemap."""
