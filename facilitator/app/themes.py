"""The app's themes: Textual's own, plus a high-contrast one for projectors.

A projector in a bright hall washes out greys and thin lines, so ``proyektor`` keeps to pure
black, white and yellow; its heavier borders are in ``app.tcss`` (``App.-theme-proyektor``),
because a theme holds colours, not border styles.
"""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR = "proyektor"
"""The high-contrast theme's name (the same in both languages: it is a name, not a word)."""

OFFERED = (PROJECTOR, "textual-dark", "textual-light", "nord", "gruvbox", "solarized-light")
"""The themes the command palette offers first; every other registered theme follows."""

projector_theme = Theme(
    name=PROJECTOR,
    primary="#FFFF00",
    secondary="#FFFFFF",
    accent="#FFFF00",
    warning="#FFAA00",
    error="#FF5555",
    success="#55FF55",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    boost="#333333",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#FFFFFF",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-hover-background": "#333333",
        "footer-background": "#000000",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
        "border": "#FFFF00",
        "border-blurred": "#FFFFFF",
    },
)


def register_themes(app) -> None:
    """Make the app's own themes available to ``app.theme``."""
    app.register_theme(projector_theme)


def offered_themes(available: list[str] | tuple[str, ...]) -> list[str]:
    """The themes to offer, the usual ones first, each once."""
    first = [name for name in OFFERED if name in available]
    rest = sorted(name for name in available if name not in first and name != "textual-ansi")
    return first + rest


def theme_label(name: str) -> str:
    """How a theme is named in the palette and the notification."""
    from facilitator.i18n import t

    return t("app.theme.projector") if name == PROJECTOR else name
