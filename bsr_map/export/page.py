"""Paper sizes, orientation, margins and bleed of an exported page."""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
#: Trim sizes in millimetres, portrait.
PAGE_SIZES_MM = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "A3": (297.0, 420.0), "Letter": (215.9, 279.4)}
BLEED_MM = 3.0
#: Room outside the bleed for crop marks.
SLUG_MM = 6.0


@dataclass(frozen=True)
class PageSpec:
    """A page: trim size, margins, optional bleed and crop marks."""

    width_mm: float
    height_mm: float
    margin_mm: float = 10.0
    bleed: bool = False
    crop_marks: bool = False

    @property
    def outer_mm(self) -> float:
        """Extra paper around the trim on each side: bleed and the slug for crop marks."""
        return (BLEED_MM if self.bleed else 0.0) + (SLUG_MM if self.crop_marks else 0.0)

    @property
    def sheet_mm(self) -> tuple[float, float]:
        """Size of the file's page: the trim plus bleed and slug."""
        return (self.width_mm + 2 * self.outer_mm, self.height_mm + 2 * self.outer_mm)

    @property
    def sheet_inches(self) -> tuple[float, float]:
        """The file's page size in inches (what matplotlib calls figsize)."""
        w, h = self.sheet_mm
        return (w / MM_PER_INCH, h / MM_PER_INCH)


def page_spec(
    page: str = "A4",
    orientation: str = "landscape",
    *,
    custom_mm: tuple[float, float] | None = None,
    margin_mm: float = 10.0,
    bleed: bool = False,
    crop_marks: bool = False,
) -> PageSpec:
    """A :class:`PageSpec` from a preset name (or a custom size) and an orientation.

    Parameters
    ----------
    page : str
        A5, A4, A3 or Letter; ignored when ``custom_mm`` is given.
    orientation : str
        ``portrait`` or ``landscape``.
    custom_mm : tuple of float, optional
        Width and height in millimetres, taken as given.
    margin_mm : float
        White margin inside the trim.
    bleed, crop_marks : bool
        Add 3 mm bleed, and crop marks outside it.

    Examples
    --------
    >>> page_spec("A4", "landscape").width_mm
    297.0
    """
    if custom_mm is not None:
        width, height = custom_mm
        if not (50 <= width <= 2000 and 50 <= height <= 2000):
            raise ValueError("a custom page must be between 50 and 2000 mm on each side")
    else:
        key = {k.lower(): k for k in PAGE_SIZES_MM}.get(page.lower())
        if key is None:
            raise ValueError(f"unknown page size {page!r}; use one of {', '.join(PAGE_SIZES_MM)}")
        width, height = PAGE_SIZES_MM[key]
        if orientation not in ("portrait", "landscape"):
            raise ValueError(f"orientation must be portrait or landscape, not {orientation!r}")
        if orientation == "landscape":
            width, height = height, width
    if not 0 <= margin_mm <= min(width, height) / 4:
        raise ValueError("margins must be between 0 and a quarter of the page's shorter side")
    return PageSpec(width, height, margin_mm, bleed, crop_marks)
