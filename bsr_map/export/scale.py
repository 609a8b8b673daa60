"""Scale bar and north arrow: the distances and angles they show.

The arithmetic lives in :mod:`bsr_map.geo.projection` and
:mod:`bsr_map.render.map_furniture` (the renderer draws the furniture); this
module keeps the names exports have used.
"""

from __future__ import annotations

from bsr_map.geo.projection import ground_metres_per_map_metre, north_angle_deg
from bsr_map.render.map_furniture import nice_distance_km

__all__ = ["ground_metres_per_map_metre", "nice_distance_km", "north_angle_deg"]
