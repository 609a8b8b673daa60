"""The languages the map's labels can be drawn in."""

from __future__ import annotations

#: Label language code -> its name for menus, in the order menus offer them. The codes
#: are the basemap's name fields (``name_<code>``); "local" is each country's own language.
#: Only languages whose every label the bundled fonts (Noto Sans, IPAexGothic) can draw are
#: offered: the basemap also names countries in Chinese and Korean, but IPAexGothic lacks
#: simplified hanzi such as 乌 and 马 and no bundled font has Hangul, so those labels would
#: come out as empty boxes (``tests/render/test_label_languages_render.py`` checks this).
LABEL_LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "local": "Local languages",
    "de": "German",
    "pl": "Polish",
    "sv": "Swedish",
    "ru": "Russian",
    "ja": "Japanese",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "uk": "Ukrainian",
}
#: The label language codes, in menu order.
LABEL_LANGUAGES: tuple[str, ...] = tuple(LABEL_LANGUAGE_NAMES)
