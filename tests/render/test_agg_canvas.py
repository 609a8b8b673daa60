"""The renderer texts are measured with before a draw: the figure's Agg canvas's."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure

from bsr_map.render.agg_canvas import MapCanvasAgg, canvas_renderer
from bsr_map.render.draw_map import setup_map_axes


def test_the_renderer_is_the_canvas_own_for_figures_and_subfigures():
    fig = Figure(figsize=(4, 3), dpi=100)
    canvas = MapCanvasAgg(fig)
    assert canvas_renderer(fig) is canvas.get_renderer()
    assert canvas_renderer(fig.subfigures(1, 2)[1]) is canvas.get_renderer()
    plain = Figure()
    agg = FigureCanvasAgg(plain)
    assert canvas_renderer(plain) is agg.get_renderer()


def test_a_figure_without_an_agg_canvas_is_refused():
    fig = Figure()
    FigureCanvasPdf(fig)
    with pytest.raises(TypeError, match="Agg canvas"):
        canvas_renderer(fig)


def test_map_axes_on_a_bare_figure_get_the_map_canvas():
    fig = Figure(figsize=(4, 3), dpi=100)
    frame = setup_map_axes(fig, inset=False)
    assert isinstance(fig.canvas, MapCanvasAgg)
    assert frame.metres_per_pixel > 0
