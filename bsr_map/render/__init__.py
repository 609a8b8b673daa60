"""Drawing the map onto a matplotlib Figure, for the screen and every export."""
