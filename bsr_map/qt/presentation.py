"""Trade-fair presentation mode: full screen, big touch targets, nothing a visitor can break.

The map comes first; countries and sectors are large toggle buttons; an agency
card shows a QR code of the website for visitors' phones. After an idle time
everything returns to the overview; an optional tour cycles through the
countries. Leaving takes a key combination (Ctrl+Shift+Q), and a PIN when one
is set. It never touches files and needs no network.
"""

from __future__ import annotations

import hashlib
import io
from html import escape
from typing import ClassVar

import segno
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_name
from bsr_map.explore.filtering import FilterState
from bsr_map.explore.model import ExploreModel
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import agencies_extent, home_view
from bsr_map.qt.map_canvas import MapCanvas

#: Touch targets at least this tall (the usual guideline is 44 px).
TOUCH_HEIGHT = 56
DEFAULT_IDLE_SECONDS = 90
DEFAULT_TOUR_SECONDS = 12
EXIT_SHORTCUT = "Ctrl+Shift+Q"
#: The tour glides from one country to the next over this long.
TRANSITION_MS = 1200


def pin_hash(pin: str) -> str:
    """How the exit PIN is kept in settings (never in plain text)."""
    return hashlib.sha256(f"bsr-map:{pin}".encode()).hexdigest()


def qr_pixmap(text: str, size: int = 220) -> QPixmap:
    """A QR code of ``text`` as a pixmap, with its quiet zone."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


class _ActivityWatcher(QObject):
    """Reports any touch, click, key or wheel anywhere in the application."""

    activity = Signal()
    KINDS: ClassVar[set] = {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.Gesture,
    }

    def eventFilter(self, obj, event) -> bool:
        if event.type() in self.KINDS:
            self.activity.emit()
        return False


class AgencyCard(QFrame):
    """A large card of the selected agency, with a QR code of its website."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.setObjectName("agencyCard")
        self.setStyleSheet(
            "#agencyCard { background: white; border-radius: 10px; }"
            " #agencyCard QLabel { background: white; color: #222; }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.qr)
        self.qr_text = ""
        model.selection_changed.connect(self._on_model_selection_changed)
        self._on_model_selection_changed(model.selected_id)

    def _on_model_selection_changed(self, _agency_id) -> None:
        record = self._model.selected
        if record is None:
            self.text.setText(
                "<p style='font-size:22px; color:#555'>Touch an agency on the map "
                "to see who can help you invest here.</p>"
            )
            self.qr.clear()
            self.qr_text = ""
            return
        sectors = ", ".join(self._model.taxonomy.sectors.label(c) for c in record["sectors"])
        self.text.setText(
            f"<div style='font-size:28px; font-weight:bold'>{escape(record['name'])}</div>"
            f"<div style='font-size:20px; color:#555'>{escape(record['city'])}, "
            f"{escape(country_name(record['country']))}</div>"
            f"<p style='font-size:18px'>{escape(sectors)}</p>"
            f"<p style='font-size:17px'>{escape(record['description'])}</p>"
            f"<p style='font-size:18px'>{escape(record['website'])}</p>"
        )
        self.qr_text = record["website"]
        if self.qr_text:
            self.qr.setPixmap(qr_pixmap(self.qr_text))
            self.qr.setToolTip("Scan with your phone's camera")
        else:
            self.qr.clear()


class PresentationWindow(QWidget):
    """The presentation mode: a full-screen map with big buttons and an agency card.

    Signals
    -------
    left()
        The presenter left the mode (with the key combination and PIN).
    """

    left = Signal()

    def __init__(
        self,
        basemap: Basemap,
        model: ExploreModel,
        *,
        idle_seconds: int = DEFAULT_IDLE_SECONDS,
        tour_seconds: int = DEFAULT_TOUR_SECONDS,
        pin_sha256: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Baltic Sea Region Investment Map")
        self.model = model
        self._pin_sha256 = pin_sha256
        self._exit_allowed = False
        self.setStyleSheet(
            "QWidget { background: #1F3B57; } QLabel { color: #222; }"
            "QPushButton { background: #F7F0DC; color: #222; border-radius: 8px; font-size: 20px;"
            " padding: 6px 14px; } QPushButton:checked { background: #E07A1F; color: white; }"
        )
        self.canvas = MapCanvas(basemap, model, parent=self)
        self.card = AgencyCard(model, self)
        self.country_buttons: dict[str, QPushButton] = {}
        self.sector_buttons: dict[str, QPushButton] = {}
        countries = QGridLayout()
        for i, code in enumerate(sorted(DIRECTORY_COUNTRIES, key=country_name)):
            self.country_buttons[code] = self._toggle(country_name(code), lambda c=code: model.toggle("countries", c))
            countries.addWidget(self.country_buttons[code], i // 2, i % 2)
        sectors = QGridLayout()
        for i, term in enumerate(model.taxonomy.sectors):
            button = self._toggle(term.label, lambda c=term.code: model.toggle("sectors", c))
            button.setStyleSheet(f"QPushButton:checked {{ background: {term.color}; color: white; }}")
            self.sector_buttons[term.code] = button
            sectors.addWidget(button, i // 2, i % 2)
        self.home_button = QPushButton("⟲  Start again")
        self.home_button.setMinimumHeight(TOUCH_HEIGHT)
        self.home_button.clicked.connect(self.reset)
        side = QVBoxLayout()
        side.addLayout(countries)
        side.addSpacing(12)
        side.addLayout(sectors)
        side.addStretch(1)
        side.addWidget(self.home_button)
        right = QVBoxLayout()
        right.addWidget(self.card, 1)
        body = QHBoxLayout(self)
        body.setContentsMargins(12, 12, 12, 12)
        body.addLayout(side, 0)
        body.addWidget(self.canvas, 1)
        body.addLayout(right, 0)
        self.card.setFixedWidth(420)

        self.idle_timer = QTimer(self, singleShot=True, interval=max(1, idle_seconds) * 1000)
        self.idle_timer.timeout.connect(self.reset)
        self.tour_timer = QTimer(self, interval=max(1, tour_seconds) * 1000)
        self.tour_timer.timeout.connect(self.tour_step)
        self._tour_index = -1
        self._watcher = _ActivityWatcher(self)
        self._watcher.activity.connect(self._on_activity)
        QApplication.instance().installEventFilter(self._watcher)
        model.filters_changed.connect(self._sync_buttons)
        self.exit_shortcut = QShortcut(QKeySequence(EXIT_SHORTCUT), self)
        self.exit_shortcut.activated.connect(self.request_exit)
        self.canvas.grabGesture(Qt.GestureType.PinchGesture)
        self.canvas.grabGesture(Qt.GestureType.SwipeGesture)
        self.idle_timer.start()

    def _toggle(self, text: str, slot) -> QPushButton:
        button = QPushButton(text.replace("&", "&&"))  # "&&" shows an ampersand, not a shortcut
        button.setCheckable(True)
        button.setMinimumHeight(TOUCH_HEIGHT)
        button.setFont(QFont(button.font().family(), 15))
        button.clicked.connect(slot)
        return button

    def _sync_buttons(self) -> None:
        state = self.model.filters
        for code, button in self.country_buttons.items():
            button.setChecked(code in state.countries)
        for code, button in self.sector_buttons.items():
            button.setChecked(code in state.sectors)

    # -- idle reset and tour --------------------------------------------------------
    def _on_activity(self) -> None:
        self.idle_timer.start()  # restart the countdown
        if self.tour_timer.isActive():
            self.tour_timer.stop()

    def reset(self) -> None:
        """Back to the overview: no filters, nothing selected, the whole region."""
        self.model.set_filters(FilterState())
        self.model.select(None)
        self.canvas.go_home()

    def start_tour(self) -> None:
        """Cycle through the countries until someone touches the screen."""
        self._tour_index = -1
        self.tour_step()
        self.tour_timer.start()

    def tour_step(self) -> None:
        """Show the next country's agencies, zoomed to them."""
        countries = sorted(DIRECTORY_COUNTRIES, key=country_name)
        self._tour_index = (self._tour_index + 1) % len(countries)
        self.model.set_filters(FilterState(countries=frozenset({countries[self._tour_index]})))
        extent = agencies_extent(self.model.filtered)
        if extent is not None:
            self.canvas.fit_to(extent, animate_ms=TRANSITION_MS)
        else:
            self.canvas.animate_to(home_view(self.canvas.width(), self.canvas.height()), TRANSITION_MS)

    # -- leaving ---------------------------------------------------------------------
    def request_exit(self) -> bool:
        """The exit key combination: ask for the PIN when one is set. True when leaving."""
        if self._pin_sha256:
            pin = self.ask_pin()
            if pin is None or pin_hash(pin) != self._pin_sha256:
                return False
        self._exit_allowed = True
        self.close()
        return True

    def ask_pin(self) -> str | None:
        """Ask for the exit PIN (a hook for tests)."""
        pin, ok = QInputDialog.getText(self, "Leave presentation", "PIN:", QLineEdit.EchoMode.Password)
        return pin if ok else None

    def closeEvent(self, event) -> None:
        if not self._exit_allowed:
            event.ignore()  # Alt+F4 or a window manager's close button: visitors cannot leave
            return
        QApplication.instance().removeEventFilter(self._watcher)
        self.idle_timer.stop()
        self.tour_timer.stop()
        super().closeEvent(event)
        self.left.emit()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.model.select(None)  # Esc only clears the card
            return
        super().keyPressEvent(event)


def open_presentation(
    basemap: Basemap, directory, taxonomy, settings, *, tour: bool = False, idle_seconds: int | None = None
) -> PresentationWindow:
    """Open the presentation window full screen, with its settings (idle time, tour pace, exit PIN)."""
    idle = idle_seconds or int(settings.value("presentation/idle_seconds", DEFAULT_IDLE_SECONDS))
    pace = int(settings.value("presentation/tour_seconds", DEFAULT_TOUR_SECONDS))
    window = PresentationWindow(
        basemap,
        ExploreModel(directory, taxonomy),
        idle_seconds=idle,
        tour_seconds=pace,
        pin_sha256=settings.value("presentation/pin_sha256") or None,
    )
    window.showFullScreen()
    screen = QApplication.primaryScreen()
    if screen is not None and window.size() != screen.size():
        window.resize(screen.size())  # without a window manager, full screen alone may leave the size as it was
    if tour:
        window.start_tour()
    return window
