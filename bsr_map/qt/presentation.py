"""Trade-fair presentation mode: full screen, big touch targets, nothing a visitor can break.

The map comes first; countries and sectors are large toggle buttons; an agency
card shows a QR code of the website for visitors' phones. After an idle time
everything returns to the overview; an optional tour cycles through the
countries. Leaving takes a key combination (Ctrl+Shift+Q), and a PIN when one
is set. It never touches files and needs no network.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_name
from bsr_map.explore.filtering import FilterState
from bsr_map.explore.model import ExploreModel
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import agencies_extent, home_view
from bsr_map.qt.filter_panel import swatch
from bsr_map.qt.map_canvas import MapCanvas
from bsr_map.qt.presentation_card import TOUCH_HEIGHT, AgencyCard, qr_pixmap
from bsr_map.render.style import DEFAULT_STYLE

__all__ = ["TOUCH_HEIGHT", "AgencyCard", "PresentationWindow", "open_presentation", "pin_hash", "qr_pixmap"]

DEFAULT_IDLE_SECONDS = 90
DEFAULT_TOUR_SECONDS = 12
EXIT_SHORTCUT = "Ctrl+Shift+Q"
#: The tour glides from one country to the next over this long.
TRANSITION_MS = 1200
#: Map text, lines and symbols are this much larger than on a desk (seen from two metres away):
#: the smallest labels (towns, 7 pt) come out at about 19 px, markers at about 23 px.
BOOTH_STYLE_SCALE = 2.0
#: A finger hits a marker within this many pixels of its centre (a 56 px target).
TAP_RADIUS_PX = TOUCH_HEIGHT / 2
#: Free pixels around a country's agencies when the tour frames it.
TOUR_PADDING_PX = 90
#: Text size of the buttons and the map legend, in pixels.
BUTTON_FONT_PX = 20
#: Width of the agency card; the map takes the rest of the screen beside the sector buttons.
CARD_WIDTH = 350
CARD_MIN_WIDTH = 260


def pin_hash(pin: str) -> str:
    """How the exit PIN is kept in settings (never in plain text)."""
    return hashlib.sha256(f"bsr-map:{pin}".encode()).hexdigest()


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


class PresentationWindow(QWidget):
    """The presentation mode: a full-screen map with big buttons and an agency card.

    The country buttons run along the top, the sector buttons down the left,
    the card on the right; the map takes the rest, about two thirds of a
    1920 × 1080 screen. Map text and markers are drawn :data:`BOOTH_STYLE_SCALE`
    times larger than on a desk and a tap selects a marker within
    :data:`TAP_RADIUS_PX`.

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
        self.setWindowTitle("Presentation")
        self.model = model
        self._pin_sha256 = pin_sha256
        self._exit_allowed = False
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#1F3B57"))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            f"QPushButton {{ background: #F7F0DC; color: #222; border-radius: 8px; font-size: {BUTTON_FONT_PX}px;"
            " padding: 6px 14px; } QPushButton:checked { background: #E07A1F; color: white; }"
            " QPushButton:disabled { background: #5B7085; color: #B9C4CF; }"
        )
        self.canvas = MapCanvas(basemap, model, style=DEFAULT_STYLE.scaled(BOOTH_STYLE_SCALE), parent=self)
        self.canvas.hit_radius_px = TAP_RADIUS_PX
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if self.canvas.legend is not None:
            self.canvas.legend.set_font_px(BUTTON_FONT_PX, button_px=TOUCH_HEIGHT)
            # The sector buttons carry the markers' colours; folded, the legend leaves the map to the
            # visitors (a tap on its "+" unfolds it).
            self.canvas.legend.set_collapsed(True)
        self.card = AgencyCard(model, self)
        self.card.setFixedWidth(CARD_WIDTH)
        self.country_buttons: dict[str, QPushButton] = {}
        self.sector_buttons: dict[str, QPushButton] = {}
        countries = QHBoxLayout()
        countries.setSpacing(8)
        for code in sorted(DIRECTORY_COUNTRIES, key=country_name):
            button = self._toggle(country_name(code))
            # clicked(bool) would fill a lambda's first default argument: the code is bound by name.
            button.clicked.connect(lambda _checked=False, c=code: self._on_country_button_clicked(c))
            self.country_buttons[code] = button
            countries.addWidget(button)
        sectors = QGridLayout()
        sectors.setSpacing(6)
        for i, term in enumerate(model.taxonomy.sectors):
            button = self._toggle(term.label)
            button.clicked.connect(lambda _checked=False, c=term.code: self._on_sector_button_clicked(c))
            button.setStyleSheet(f"QPushButton:checked {{ background: {term.color}; color: white; }}")
            button.setIcon(swatch(term.color, 22))  # the markers' colour, also while not pressed
            button.setIconSize(QSize(22, 22))
            self.sector_buttons[term.code] = button
            sectors.addWidget(button, i, 0)
        self.home_button = self._button("⟲  Start again")
        self.home_button.clicked.connect(self._on_home_button_clicked)
        self.tour_button = self._button("▶  Tour the countries")
        self.tour_button.clicked.connect(self._on_tour_button_clicked)
        side = QVBoxLayout()
        side.addLayout(sectors)
        side.addStretch(1)
        side.addWidget(self.tour_button)
        side.addWidget(self.home_button)
        middle = QHBoxLayout()
        middle.setSpacing(12)
        middle.addLayout(side, 0)
        middle.addWidget(self.canvas, 1)
        middle.addWidget(self.card, 0)
        body = QVBoxLayout(self)
        body.setContentsMargins(12, 12, 12, 12)
        body.setSpacing(12)
        body.addLayout(countries)
        body.addLayout(middle, 1)

        self.idle_timer = QTimer(self, singleShot=True, interval=max(1, idle_seconds) * 1000)
        self.idle_timer.timeout.connect(self.reset)
        self.tour_timer = QTimer(self, interval=max(1, tour_seconds) * 1000)
        self.tour_timer.timeout.connect(self.tour_step)
        self._tour_index = -1
        self._watcher = _ActivityWatcher(self)
        self._watcher.activity.connect(self._on_watcher_activity)
        QApplication.instance().installEventFilter(self._watcher)
        model.filters_changed.connect(self._on_model_filters_changed)
        model.directory_changed.connect(self._on_model_directory_changed)
        self._on_model_directory_changed()
        self.exit_shortcut = QShortcut(QKeySequence(EXIT_SHORTCUT), self)
        self.exit_shortcut.activated.connect(self.request_exit)
        self.canvas.grabGesture(Qt.GestureType.PinchGesture)
        self.canvas.grabGesture(Qt.GestureType.SwipeGesture)
        self.idle_timer.start()

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text.replace("&", "&&"))  # "&&" shows an ampersand, not a shortcut
        button.setMinimumHeight(TOUCH_HEIGHT)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus frame left on a touched button
        return button

    def _toggle(self, text: str) -> QPushButton:
        button = self._button(text)
        button.setCheckable(True)
        return button

    def _on_country_button_clicked(self, code: str) -> None:
        self.model.toggle("countries", code)

    def _on_sector_button_clicked(self, code: str) -> None:
        self.model.toggle("sectors", code)

    def _on_home_button_clicked(self) -> None:
        self.reset()

    def _on_tour_button_clicked(self) -> None:
        self.start_tour()

    def _on_model_directory_changed(self) -> None:
        # A file with some countries only: the others' buttons would only empty the map.
        directory = self.model.directory
        countries = set(directory["country"])
        sectors = {code for codes in directory["sectors"] for code in codes}
        for code, button in self.country_buttons.items():
            button.setEnabled(code in countries)
        for code, button in self.sector_buttons.items():
            button.setEnabled(code in sectors)

    def _on_model_filters_changed(self) -> None:
        # The buttons show the model's filters, whoever changed them (a tap, the tour, the idle reset).
        state = self.model.filters
        for code, button in self.country_buttons.items():
            button.setChecked(code in state.countries)
        for code, button in self.sector_buttons.items():
            button.setChecked(code in state.sectors)

    # -- idle reset and tour --------------------------------------------------------
    def _on_watcher_activity(self) -> None:
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
        """Show the next country's agencies, zoomed to them with room around them."""
        countries = sorted(DIRECTORY_COUNTRIES, key=country_name)
        self._tour_index = (self._tour_index + 1) % len(countries)
        self.model.set_filters(FilterState(countries=frozenset({countries[self._tour_index]})))
        extent = agencies_extent(self.model.filtered)
        if extent is not None:
            self.canvas.fit_to(extent, animate_ms=TRANSITION_MS, padding_px=TOUR_PADDING_PX)
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

    def resizeEvent(self, event) -> None:
        # On a screen smaller than a booth's the card gives up width first, so the map keeps most of it.
        self.card.setFixedWidth(max(CARD_MIN_WIDTH, min(CARD_WIDTH, self.width() // 5)))
        super().resizeEvent(event)

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
