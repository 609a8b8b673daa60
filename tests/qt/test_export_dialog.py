"""The map export dialog: preview, export in the background, cancel."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture
def dialog(window, qtbot):
    window.filter_panel.checkbox("countries", "DK").click()
    dialog = window.open_export_dialog()
    qtbot.waitUntil(lambda: getattr(dialog, "preview_image", None) is not None, timeout=20_000)
    return dialog


def test_preview_shows_the_page_in_its_proportions(dialog, qtbot):
    image = dialog.preview_image
    assert image.width() / image.height() == pytest.approx(297 / 210, rel=0.01)
    dialog.orientation.setCurrentText("portrait")
    qtbot.waitUntil(lambda: dialog.preview_image.width() < dialog.preview_image.height(), timeout=20_000)
    assert dialog.subtitle.text() == "Denmark · 4 agencies"


def test_export_runs_in_the_background_and_writes_the_file(dialog, qtbot, tmp_path):
    dialog.page.setCurrentText("A5")
    dialog.title.setText("Denmark for investors")
    out = tmp_path / "dk.pdf"
    job = dialog.export_to(out)
    assert dialog.cancel_button.isVisible() or not job.is_running()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert dialog.last_output == out
    reader = PdfReader(out)
    assert "Denmark for investors" in reader.pages[0].extract_text()
    assert float(reader.pages[0].mediabox.width) == pytest.approx(210 / 25.4 * 72, abs=0.05)


def test_cancel_leaves_nothing(dialog, qtbot, tmp_path):
    out = tmp_path / "big.png"
    dialog.dpi.setValue(600)
    job = dialog.export_to(out)
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert not out.exists() and "cancelled" in dialog.status.text()


def test_invalid_options_are_a_message_not_a_traceback(dialog, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    dialog.page.setCurrentText("Custom")
    dialog.custom_w.setValue(60)
    dialog.custom_h.setValue(60)
    dialog.margin.setValue(40)
    assert dialog.export_to("/tmp/never.pdf") is None
    assert shown and "margins" in shown[0]


@pytest.mark.parametrize(("name", "brochure"), [("lv.pdf", False), ("lv.vcf", False), ("lv-brochure.pdf", True)])
def test_directory_and_brochure_export_from_the_window(window, qtbot, tmp_path, name, brochure):
    window.filter_panel.checkbox("countries", "LV").click()
    out = tmp_path / name
    job = window.start_directory_export(out, brochure=brochure)
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    assert out.exists() and f"Exported {name}" in window.statusBar().currentMessage()
    if out.suffix == ".vcf":
        assert out.read_text().count("BEGIN:VCARD") == 5
    else:
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
        assert "Investment and Development Agency of Latvia (LIAA)" in text
        assert ("Agencies on the map" in text) == brochure


def test_cancelled_brochure_leaves_nothing(window, qtbot, tmp_path):
    out = tmp_path / "cancel.pdf"
    job = window.start_directory_export(out, brochure=True)
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    assert not out.exists() and "cancelled" in window.statusBar().currentMessage()


def test_selected_agency_saved_as_vcard(window, tmp_path):
    import vobject

    window.model.select("no-innovation-norway")
    assert window.save_selected_vcard(tmp_path / "norway.vcf")
    card = vobject.readOne((tmp_path / "norway.vcf").read_text(encoding="utf-8"))
    assert card.fn.value == "Innovation Norway" and card.url.value.startswith("https://")


def test_the_form_keeps_its_size_while_exporting(dialog, qtbot, tmp_path):
    dialog.show()
    qtbot.waitExposed(dialog)
    fields = [dialog.form, dialog.title, dialog.page, dialog.dpi, dialog.subtitle]
    before = [w.geometry() for w in fields]
    size = dialog.size()
    assert dialog.progress.isVisible() and not dialog.progress.isEnabled()
    assert dialog.cancel_button.isVisible() and not dialog.cancel_button.isEnabled()
    seen = []

    def measure(_fraction, _message):
        cancellable = dialog.cancel_button.isEnabled()
        QApplication.processEvents()  # let the layout react to the new status text
        seen.append(([w.geometry() for w in fields], dialog.size(), cancellable))

    dialog.dpi.setValue(150)
    job = dialog.export_to(tmp_path / "long-file-name-of-the-baltic-sea-region-investment-map-export.png")
    job.progress.connect(measure)
    assert dialog.cancel_button.isEnabled() and dialog.progress.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    QApplication.processEvents()
    assert seen, "the export reported no progress"
    for geometries, during, cancellable in seen:
        assert geometries == before and during == size and cancellable
    assert [w.geometry() for w in fields] == before and dialog.size() == size
    assert not dialog.cancel_button.isEnabled() and "Exported" in dialog.status.text()


def test_export_messages_show_text_literally(dialog, monkeypatch):
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[1:3]))
    dialog._on_export_failed("cannot write <b>/tmp/x</b> <img src=x>")
    title, text = shown[0]
    doc = QTextDocument()
    doc.setHtml(text)
    assert GuiQt.mightBeRichText(text) and doc.toPlainText() == "cannot write <b>/tmp/x</b> <img src=x>"
    assert len(title) <= 20
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText
