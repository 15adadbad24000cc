"""What the PDF exports share: an A4 page with a Unicode font, and text the font can show.

fpdf2's built-in fonts know latin-1 only, and the names a coach types may hold any letter. The
PDFs therefore embed DejaVu Sans (shipped in ``facilitator/data/fonts`` with its license; fpdf2
embeds only the glyphs used). A character the font lacks (most emoji) prints as ``?`` instead of
failing; if the font files are missing from an installation, the built-in font is used the same
way, with ``?`` for anything outside latin-1.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import ExitStack
from functools import lru_cache
from importlib import resources
from typing import Any

FAMILY = "DejaVu"
FALLBACK = "Helvetica"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@lru_cache(maxsize=1)
def _pdf_class() -> type:
    from fpdf import FPDF

    class Pdf(FPDF):
        """An A4 page with a footer line and :meth:`fit` for any text the coach typed."""

        footer_text = ""
        cmap: frozenset[int] | None = None

        def fit(self, text: object) -> str:
            """``text`` with only what the font can draw (the rest as ``?``)."""
            value = unicodedata.normalize("NFC", "" if text is None else str(text))
            value = _CONTROL.sub("", value.replace("\t", " ").replace("\r\n", "\n"))
            if self.cmap is None:
                return value.encode("latin-1", "replace").decode("latin-1")
            return "".join(ch if ch == "\n" or ord(ch) in self.cmap else "?" for ch in value)

        def family(self) -> str:
            return FAMILY if self.cmap is not None else FALLBACK

        def use(self, size: float, bold: bool = False) -> None:
            self.set_font(self.family(), "B" if bold else "", size)

        def footer(self) -> None:
            if not self.footer_text:
                return
            self.set_y(-13)
            self.use(7.5)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, self.fit(self.footer_text).replace("{page}", str(self.page_no())),
                      align="C")
            self.set_text_color(0, 0, 0)

    return Pdf


def new_pdf(*, title: str, lang: str, footer: str = "", margin: float = 20) -> Any:
    """A new A4 document with the Unicode font loaded. ``footer`` may hold ``{page}`` and
    fpdf2's ``{nb}`` (the number of pages)."""
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(True, margin=margin)
    try:
        with ExitStack() as stack:
            folder = resources.files("facilitator.data").joinpath("fonts")
            for style, name in FONT_FILES.items():
                path = stack.enter_context(resources.as_file(folder.joinpath(name)))
                pdf.add_font(FAMILY, style, str(path))
        pdf.cmap = frozenset(_font_cmap(pdf))
    except (OSError, ValueError, RuntimeError):
        pdf.cmap = None  # the built-in font, latin-1 only
    pdf.set_title(pdf.fit(title))
    pdf.set_lang(lang)
    pdf.set_creator("facilitator")
    pdf.footer_text = footer
    pdf.use(10.5)
    return pdf


def _font_cmap(pdf: Any) -> set[int]:
    # Both styles must hold a character for it to be printable in either.
    maps = [set(font.cmap) for key, font in pdf.fonts.items() if key.startswith(FAMILY.lower())]
    return set.intersection(*maps) if maps else set()


def pdf_bytes(pdf: Any) -> bytes:
    return bytes(pdf.output())


def next_line(pdf: Any) -> dict[str, Any]:
    """The keyword arguments that put the cursor at the left margin of the next line."""
    from fpdf.enums import XPos, YPos

    return {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def paragraph(pdf: Any, text: str, *, size: float = 10.5, bold: bool = False, h: float = 0,
              align: str = "L", grey: bool = False, w: float = 0) -> None:
    """A block of wrapped text across the page (or ``w`` wide), breaking pages as needed."""
    pdf.use(size, bold)
    if grey:
        pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(w, h or size * 0.5, pdf.fit(text), align=align, **next_line(pdf))
    pdf.set_text_color(0, 0, 0)


def ensure_room(pdf: Any, height: float) -> None:
    """Start a new page unless ``height`` mm fit above the bottom margin (keeps a heading with
    the text that follows it)."""
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
