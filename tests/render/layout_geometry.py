"""Measure what a drawn map shows: the display boxes of labels, markers and furniture.

Shared by the layout tests of the screen view and of the exported pages. The
boxes come from the artists themselves, measured by the figure's renderer.
"""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Bbox


def _renderer(fig):
    return fig.canvas.get_renderer()


def all_axes(fig) -> list:
    """The figure's axes and their child axes (the Iceland inset is a child of the map's)."""
    return [a for ax in fig.axes for a in (ax, *ax.child_axes)]


def label_boxes(fig) -> list[tuple[str, Bbox, object]]:
    """(text, box, axes) of every label placed on the map and inset (the halo copies left out)."""
    r = _renderer(fig)
    return [
        (t.get_text(), t.get_window_extent(r), ax)
        for ax in all_axes(fig)
        for t in ax.texts
        if t.get_gid() == "label" and t.get_text().strip()
    ]


def marker_boxes(fig) -> list[Bbox]:
    """The square each agency marker covers (its nominal size and outline)."""
    out = []
    for ax in all_axes(fig):
        for c in ax.collections:
            if c.get_gid() != "marker":
                continue
            half = (np.sqrt(c.get_sizes()[0]) / 2 + c.get_linewidths()[0] / 2) * fig.dpi / 72.0
            for x, y in c.get_offset_transform().transform(c.get_offsets()):
                out.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return out


def furniture_boxes(fig, inset_ax=None) -> list[tuple[str, Bbox]]:
    """Scale bar, north arrow, legends, the inset frame and the locator."""
    r = _renderer(fig)
    out = []
    for ax in all_axes(fig):
        for artist in [*ax.patches, *ax.texts]:
            if artist.get_gid() == "furniture":
                out.append(("furniture", artist.get_window_extent(r)))
        legend = ax.get_legend()
        if legend is not None:
            out.append(("legend", legend.get_window_extent(r)))
        if ax.get_gid() == "locator":
            out.append(("locator", ax.get_window_extent(r)))
    if inset_ax is not None:
        out.append(("inset", inset_ax.get_window_extent(r)))
    return out


def _hit(a: Bbox, b: Bbox) -> bool:
    # Touching edges do not count; a shared area of a tenth of a pixel does.
    return a.x0 < b.x1 - 0.1 and b.x0 < a.x1 - 0.1 and a.y0 < b.y1 - 0.1 and b.y0 < a.y1 - 0.1


def overlaps(fig, inset_ax=None) -> list[tuple[str, str]]:
    """Every pair (label, what it covers) of a label overlapping a label, a marker or furniture."""
    labels = label_boxes(fig)
    markers = marker_boxes(fig)
    furniture = furniture_boxes(fig, inset_ax)
    found = []
    for i, (text, box, ax) in enumerate(labels):
        for other, obox, _ in labels[i + 1 :]:
            if _hit(box, obox):
                found.append((text, f"label {other!r}"))
        found += [(text, "marker") for m in markers if _hit(box, m)]
        for kind, fbox in furniture:
            if kind == "inset" and ax is inset_ax:
                continue
            if _hit(box, fbox):
                found.append((text, kind))
    return found


def key_overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of key texts that overlap each other, the panel's legend or the locator."""
    r = _renderer(fig)
    texts = [(t.get_text(), t.get_window_extent(r)) for ax in all_axes(fig) for t in ax.texts if t.get_gid() == "key"]
    others = [("legend", ax.get_legend().get_window_extent(r)) for ax in all_axes(fig) if ax.get_legend() is not None]
    others += [("locator", ax.get_window_extent(r)) for ax in all_axes(fig) if ax.get_gid() == "locator"]
    found = []
    for i, (a, abox) in enumerate(texts):
        found += [(a, b) for b, bbox in texts[i + 1 :] if _hit(abox, bbox)]
        found += [(a, kind) for kind, obox in others if _hit(abox, obox)]
    return found
