"""An edit in place reaches the table and the map without resetting the table or redrawing the basemap."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PySide6.QtCore import QItemSelectionModel, Qt

from bsr_map.geo.projection import from_lonlat
from bsr_map.qt.agency_table import COLUMNS
from bsr_map.render.agency_layer import TYPE_MARKERS
from bsr_map.render.point_symbols import marker_path

CITY, SECTORS = COLUMNS.index("City"), COLUMNS.index("Sectors")


class Signals:
    """Counts of the table model's signals, to tell a reset from row updates."""

    def __init__(self, table_model, canvas):
        self.resets, self.changed_rows, self.removed, self.inserted, self.basemaps = 0, set(), [], [], 0
        table_model.modelReset.connect(self._on_reset)
        table_model.dataChanged.connect(
            lambda top, bottom, *_: self.changed_rows.update(range(top.row(), bottom.row() + 1))
        )
        table_model.rowsRemoved.connect(lambda _parent, first, last: self.removed.append((first, last)))
        table_model.rowsInserted.connect(lambda _parent, first, last: self.inserted.append((first, last)))
        canvas.rendered.connect(self._on_basemap)

    def _on_reset(self):
        self.resets += 1

    def _on_basemap(self, _seconds):
        self.basemaps += 1


@pytest.fixture
def signals(window, qtbot):
    # The redraw after showing (a resize settles after a pause) is not the edit's.
    qtbot.waitUntil(lambda: not window.canvas._settle.isActive(), timeout=5_000)
    window.canvas.repaint()
    return Signals(window.table.model(), window.canvas)


def edit(qtbot, window, agency_id, **values):
    record = {**window.model.record(agency_id), **values}
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=10_000):
        window.model.apply_changes({agency_id: record})
    return record


def cell(window, agency_id, column):
    row = window.table.row_of(agency_id)
    assert row is not None, f"{agency_id} is not in the table"
    return window.table.model().index(row, column).data(Qt.ItemDataRole.DisplayRole)


def marker_of(window, agency_id):
    """The collection drawing ``agency_id`` and the agency's place in it."""
    for collection, ids in window.canvas.agency_artists.markers:
        hits = np.flatnonzero(ids == agency_id)
        if len(hits):
            return collection, int(hits[0])
    raise AssertionError(f"{agency_id} has no marker")


def test_an_edit_repaints_its_row_and_its_marker_only(window, qtbot, signals):
    taxonomy = window.model.taxonomy
    agency_id = "fi-businessoulu"
    before = window.model.record(agency_id)
    sector = next(c for c in taxonomy.sectors.codes if c != before["sectors"][0])
    kind = next(t for t in TYPE_MARKERS if t != before["type"])
    edit(qtbot, window, agency_id, city="Kemi", sectors=[sector], type=kind, lon=19.5, lat=57.25)

    assert cell(window, agency_id, CITY) == "Kemi"
    assert cell(window, agency_id, SECTORS) == taxonomy.sectors.label(sector)
    assert window.table.row_of(agency_id) in signals.changed_rows
    assert signals.resets == 0 and signals.basemaps == 0

    collection, i = marker_of(window, agency_id)
    x, y = from_lonlat(19.5, 57.25)
    assert collection.get_offsets()[i] == pytest.approx([float(x), float(y)], abs=1.0)  # alone at sea: not spread
    assert tuple(collection.get_facecolors()[i]) == pytest.approx(to_rgba(taxonomy.sectors[sector].color))
    assert np.array_equal(collection.get_paths()[0].vertices, marker_path(TYPE_MARKERS[kind]).vertices)
    shown = window.canvas.agency_artists
    display = shown.display_xy[np.flatnonzero(shown.ids == agency_id)[0]]
    expected = collection.axes.transData.transform([float(x), float(y)])
    assert display == pytest.approx(expected, abs=0.5)


def test_a_renamed_agency_moves_in_the_sorted_table_and_stays_selected(window, qtbot, signals):
    agency_id = "pl-investgda"
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    window.model.select(agency_id)
    assert window.table.selected_id() == agency_id and window.table.row_of(agency_id) > 0
    edit(qtbot, window, agency_id, name="AAA First Agency")
    assert window.table.row_of(agency_id) == 0 and cell(window, agency_id, 0) == "AAA First Agency"
    assert window.table.selected_id() == agency_id and window.model.selected_id == agency_id
    names = [window.table.model().index(r, 0).data() for r in range(window.table.model().rowCount())]
    assert names[0] == "AAA First Agency" and len(names) == len(window.model.directory)
    assert signals.resets == 0


def test_an_edit_that_leaves_the_filter_removes_just_its_row(window, qtbot, signals):
    model = window.model
    model.toggle("countries", "FI")
    signals.resets = 0
    agency_id = model.directory["id"][model.mask].iloc[0]
    position = window.table.row_of(agency_id)
    edit(qtbot, window, agency_id, country="SE")
    assert signals.removed == [(position, position)] and signals.resets == 0
    assert window.table.row_of(agency_id) is None
    assert window.table.model().rowCount() == model.count
    assert agency_id not in set(window.canvas.agency_artists.ids)
    assert window._count.text() == f"{model.count} of {len(model.directory)} agencies"

    edit(qtbot, window, agency_id, country="FI")
    assert len(signals.inserted) == 1 and signals.resets == 0
    assert window.table.row_of(agency_id) == signals.inserted[0][0]
    assert window.table.model().rowCount() == model.count
    assert agency_id in set(window.canvas.agency_artists.ids)


def test_the_legend_follows_a_new_primary_sector(window, qtbot, bundled_directory):
    model, legend = window.model, window.canvas.legend
    model.toggle("countries", "LV")
    latvian = model.directory["id"][model.mask].tolist()
    shown = {e.code for e in legend.entries if e.kind == "sector"}
    missing = next(c for c in model.taxonomy.sectors.codes if c not in shown)
    edit(qtbot, window, latvian[0], sectors=[missing])
    assert missing in {e.code for e in legend.entries if e.kind == "sector"}


def test_rows_selected_together_stay_selected_when_another_row_moves(window, qtbot, signals):
    table, flags = window.table, QItemSelectionModel.SelectionFlag
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    model = table.model()
    picked = [model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in (2, 3)]
    table.selectionModel().select(model.index(2, 0), flags.ClearAndSelect | flags.Rows)
    table.selectionModel().select(model.index(3, 0), flags.Select | flags.Rows)
    assert set(table.selected_ids()) == set(picked)
    mover = model.index(10, 0).data(Qt.ItemDataRole.UserRole + 1)
    edit(qtbot, window, mover, name="AAA First Agency")
    assert table.row_of(mover) == 0 and signals.resets == 0
    assert set(table.selected_ids()) == set(picked)
    assert [table.row_of(i) for i in picked] == [3, 4]
