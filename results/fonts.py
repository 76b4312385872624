"""Fonts for plots in languages whose glyphs matplotlib's default font (DejaVu Sans) lacks.

:func:`plot_fonts` returns the rcParams that make matplotlib draw a language's text: nothing for
English; for Chinese, a font with CJK glyphs found through matplotlib's font manager (a known family by
name first, else any installed font that has the glyphs), listed before DejaVu Sans so Latin text keeps
its usual face. Fonts installed after matplotlib built its font cache are found too (the system font
folders are scanned when the cache knows none). ``CREDSUP_CJK_FONT=/path/to/font.ttc`` names a font file
explicitly. When no font is found, :func:`plot_fonts` raises an InputError saying what to install.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from credsup.core.errors import InputError

FONT_ENV = "CREDSUP_CJK_FONT"
#: Families known to carry Simplified Chinese glyphs, most preferred first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
)
#: Characters a font must have to draw the Chinese reports' text.
PROBE = "信用监管检查违法率双随机一公开分级类修复容错企业每千年"

INSTALL_HINT = (
    "no font with Chinese glyphs found for the plots: install one (Debian/Ubuntu: apt install fonts-noto-cjk; "
    "Fedora: dnf install google-noto-sans-cjk-fonts; macOS and Windows ship one) or set "
    f"{FONT_ENV}=/path/to/font.ttc"
)


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in PROBE)


@functools.cache
def cjk_family() -> str:
    """The family name of a font with Chinese glyphs that matplotlib can use; InputError when none."""
    from matplotlib import font_manager

    fm = font_manager.fontManager
    explicit = os.environ.get(FONT_ENV)
    if explicit:
        if not os.path.isfile(explicit):
            raise InputError(f"{FONT_ENV}={explicit}: no such font file")
        if not _has_glyphs(explicit):
            raise InputError(f"{FONT_ENV}={explicit}: the font lacks Chinese glyphs")
        fm.addfont(explicit)
        return font_manager.FontProperties(fname=explicit).get_name()

    def search() -> str | None:
        by_name = {f.name: f for f in fm.ttflist}
        for family in CJK_FAMILIES:
            if family in by_name and _has_glyphs(by_name[family].fname):
                return family
        for f in fm.ttflist:
            if any(tag in f.name for tag in ("CJK", "Hei", "Han", "Song", "Ming", "Kai")) and _has_glyphs(f.fname):
                return str(f.name)
        return None

    found = search()
    if found is None:  # fonts installed after matplotlib's cache was built
        known = {f.fname for f in fm.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known and _has_glyphs(path):
                fm.addfont(path)
        found = search()
    if found is None:
        raise InputError(INSTALL_HINT)
    return found


def plot_fonts(lang_code: str) -> dict[str, Any]:
    """rcParams for plots in this language (empty for languages DejaVu Sans covers)."""
    if lang_code != "zh":
        return {}
    return {"font.family": "sans-serif", "font.sans-serif": [cjk_family(), "DejaVu Sans"], "axes.unicode_minus": False}
