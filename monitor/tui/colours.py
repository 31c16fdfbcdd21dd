"""Readable colours for marks, in every theme.

The UI's marks (unseen ●, "N new", NEW, ≠, ★, chips, links, footer keys) take their colour from
the theme, but some themes' text colours are faint on their own backgrounds: textual-light's
$text-warning is 3.3:1 on $background and 2.8:1 on $panel, textual-dark's cursor row text 3.8:1. `readable_variables` derives one CSS
variable per mark from the theme colour, darkened (light themes) or lightened (dark themes) only
as far as needed to reach `TARGET` contrast against every background the mark is drawn on. The
app adds them to its CSS variables, so styles and .tcss use `$mark-new` etc. like any theme
variable, and a theme change recomputes them.
"""

from __future__ import annotations

from textual.color import Color, ColorParseError

TARGET = 4.5
"""WCAG AA contrast for normal text."""

MARKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mark-new": ("text-warning", ("background", "surface", "panel")),
    "mark-unseen": ("text-accent", ("background", "surface", "panel")),
    "mark-conflict": ("text-error", ("background", "surface", "panel")),
    "mark-good": ("text-success", ("background", "surface", "panel")),
    "mark-link": ("text-primary", ("background", "surface", "panel")),
    "mark-source": ("text-secondary", ("background", "surface", "panel")),
    "mark-chip": ("text-secondary", ("secondary-muted",)),
    "mark-key": ("footer-key-foreground", ("footer-background",)),
    "mark-cursor": ("block-cursor-foreground", ("block-cursor-background",)),
    "mark-cursor-blurred": (
        "block-cursor-blurred-foreground",
        ("block-cursor-blurred-background",),
    ),
}
"""Variable: (theme variable it comes from, backgrounds it must be readable on)."""


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _parse(value: str | None, under: Color) -> Color | None:
    if not value:
        return None
    try:
        color = Color.parse(value)
    except ColorParseError:
        return None
    return under.blend(color.with_alpha(1.0), color.a) if color.a < 1 else color


def readable(color: Color, backgrounds: list[Color], target: float = TARGET) -> Color:
    """`color`, darkened or lightened in small steps until it has `target` contrast against
    every one of `backgrounds` (or as close as black/white get)."""
    if not backgrounds:
        return color
    light = sum(luminance(b) for b in backgrounds) / len(backgrounds) > 0.18
    for _ in range(40):
        if min(contrast(color, b) for b in backgrounds) >= target:
            break
        color = color.darken(0.025) if light else color.lighten(0.025)
    return color


def readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """The `mark-*` variables for a theme's CSS variables."""
    base = _parse(variables.get("background"), Color(0, 0, 0)) or Color(0, 0, 0)
    out = {}
    for name, (source, under) in MARKS.items():
        value = variables.get(source, "")
        if value.startswith("ansi_") or variables.get("background", "").startswith("ansi_"):
            out[name] = value or "ansi_default"  # the terminal's palette: nothing to measure
            continue
        backgrounds = [c for c in (_parse(variables.get(b), base) for b in under) if c is not None]
        if value.startswith("auto") and backgrounds:
            # "auto 87%": white or black blended into the background (textual-dark's cursor
            # text is 3.8:1 that way). Take Textual's pick at full strength, or the other one
            # where that is still short of the target (solarized: white on its blue, 3.7:1).
            picked = backgrounds[0].get_contrast_text(1.0).with_alpha(1.0)
            other = Color(0, 0, 0) if picked.brightness > 0.5 else Color(255, 255, 255)
            short = min(contrast(picked, b) for b in backgrounds) < TARGET
            color: Color | None = other if short else picked
        else:
            color = _parse(value, base)
        if color is None:
            color = _parse(variables.get("foreground"), base) or Color(255, 255, 255)
        out[name] = readable(color, backgrounds).hex
    return out
