"""The minutes (notula) in the classic Indonesian layout, as Markdown, HTML and Word.

The content is built once, as a short list of plain blocks (:func:`build`), from the session's
details, the coach's notes, the counts and the attendance; each format only renders the blocks.
User text stays plain in the blocks and is escaped by the renderer of each format, so a name like
``<script>`` or ``[bold]`` prints as typed everywhere.

Layout (DOMAIN.md): header (acara, hari/tanggal, waktu, tempat, pimpinan rapat, notulis, peserta),
Pendahuluan, Tujuan, Pembahasan (numbered points naming their speaker; who made the opening
*Komitmen Berinovasi*, apart from the signed commitments), Kesimpulan, Dokumentasi,
the closing with place, date and the signatures of the chair and the notulis, and the attendance
list attached. The coach's own Pendahuluan, Tujuan and Kesimpulan (``lab.minutes``) replace the
generated ones; ``acara``, ``waktu``, ``dokumentasi`` and ``tempat_ttd`` may be set there too.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from typing import Union

from facilitator.core.records import ActionPlan, AgendaItem, Note, Participant, Problem
from facilitator.core.session import Session
from facilitator.core.text import markdown_escape
from facilitator.export import register_files, safe_name, stem
from facilitator.export.common import (
    clock, dates_text, find_participant, long_date, parse_date, selected_by_unit, unit_names,
    xml_text,
)
from facilitator.i18n import integer, language, t

# -- the blocks ------------------------------------------------------------------------------


@dataclass
class Span:
    text: str
    bold: bool = False


@dataclass
class Title:
    text: str
    subtitle: str


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    spans: list[Span]


@dataclass
class Fields:
    rows: list[tuple[str, str]]


@dataclass
class Item:
    spans: list[Span]
    sub: list[str] = field(default_factory=list)


@dataclass
class Numbered:
    items: list[Item]


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns aligned right / centred (numbers, ticks)
    weights: tuple[float, ...] = ()  # relative column widths (Word); even when empty


@dataclass
class Signer:
    caption: str
    jabatan: str
    name: str
    nip: str


@dataclass
class Signatures:
    place_date: str
    signers: list[Signer]


@dataclass
class PageBreak:
    landscape: bool = False  # the pages after it are landscape (a wide attendance list)


Block = Union[Title, Heading, Paragraph, Fields, Numbered, Table, Signatures, PageBreak]

MAX_DAY_COLUMNS = 6
"""Up to this many lab days the attendance list has a column per day; beyond, one column lists
the days."""


# -- building --------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text).splitlines() if line.strip()]


def _paragraphs(text: str) -> list[Block]:
    return [Paragraph([Span(line)]) for line in _lines(text)]


def _time_span(session: Session) -> str:
    """The run-sheet's first start to its last end, e.g. ``08.00 – 16.30``."""
    starts, ends = [], []
    for item in session.all(AgendaItem):
        start = item.actual_start or item.planned_start
        if not start:
            continue
        starts.append(start[:5])
        if item.actual_end:
            ends.append(item.actual_end[:5])
        else:
            try:
                hours, minutes = (int(x) for x in start[:5].split(":"))
            except ValueError:
                continue
            total = min(hours * 60 + minutes + max(int(item.minutes or 0), 0), 23 * 60 + 59)
            ends.append(f"{total // 60:02d}:{total % 60:02d}")
    if not starts:
        return ""
    first, last = min(starts), max(ends or starts)
    return f"{clock(first)} – {clock(last)}"


def _signer(session: Session, caption: str, name: str) -> Signer:
    person = find_participant(session, name) if name else None
    return Signer(caption=caption, jabatan=person.jabatan if person else "",
                  name=name, nip=person.nip if person else "")


def _note_items(session: Session) -> list[Item]:
    notes = sorted(session.all(Note), key=lambda n: (n.at or n.created, n.created))
    items: list[Item] = []
    for note in notes:
        lines = _lines(note.text)
        speaker = " ".join(note.speaker.split())
        if speaker and len(lines) == 1:
            items.append(Item([Span(speaker, True),
                               Span(f" {t('export.minutes.says')}: {lines[0]}")]))
        elif speaker and lines:
            items.append(Item([Span(speaker, True), Span(f" {t('export.minutes.says_points')}")],
                              lines))
        elif speaker:
            items.append(Item([Span(speaker, True)]))
        elif lines:
            items.append(Item([Span(lines[0])], lines[1:]))
    return items


def _result_items(session: Session, figures: dict[str, int]) -> list[Item]:
    items = [Item([Span(t("export.minutes.result_ideas", ideas=integer(figures["ideas"]),
                          units=integer(figures["idea_units"])))])]
    if figures["problems"]:
        items.append(Item([Span(t("export.minutes.result_problems",
                                  problems=integer(figures["problems"])))]))
    rounds = session.rounds()
    if rounds:
        chain = " → ".join([integer(len(rounds[0].pool))] + [integer(len(r.kept))
                                                             for r in rounds])
        items.append(Item([Span(t("export.minutes.result_funnel", rounds=integer(len(rounds)),
                                  figures=chain))],
                          [t("export.minutes.round_line", name=r.name, pool=integer(len(r.pool)),
                             kept=integer(len(r.kept)), cut=integer(len(r.pool) - len(r.kept)))
                           for r in rounds]))
        items.append(Item([Span(t("export.minutes.result_selected",
                                  selected=integer(figures["selected"]),
                                  units=integer(figures["selected_units"])))]))
    if figures["plans"]:
        items.append(Item([Span(t("export.minutes.result_plans",
                                  plans=integer(figures["plans"])))]))
    if figures["opening"]:
        items.append(Item([Span(t("export.minutes.result_opening",
                                  count=integer(figures["opening"])))]))
    if figures["commitments"]:
        items.append(Item([Span(t("export.minutes.result_commitments",
                                  sealed=integer(figures["sealed"]),
                                  total=integer(figures["commitments"])))]))
    return items


def _opening(session: Session) -> Table | None:
    """Who committed at the opening (*Komitmen Berinovasi*), in the order they did."""
    from facilitator.core.checkin import opening_commitments

    units = unit_names(session)
    rows = [[str(n), c.official.get("name", ""), c.official.get("jabatan", ""),
             units.get(c.unit_id, "") or c.official.get("unit", "")]
            for n, c in enumerate(opening_commitments(session), start=1)]
    if not rows:
        return None
    return Table(t("export.minutes.opening_title"),
                 [t("export.minutes.col_no"), t("export.minutes.col_name"),
                  t("export.minutes.col_jabatan"), t("export.minutes.col_unit")],
                 rows, (0,), (1, 5, 5, 5))


def _attendance(session: Session) -> Table:
    units = unit_names(session)
    people = sorted(session.all(Participant),
                    key=lambda p: (units.get(p.unit_id, "").casefold(), p.name.casefold()))
    days = sorted({d for d in session.lab.dates if parse_date(d)}
                  | {d for p in people for d in p.attendance if parse_date(d)})
    headers = [t("export.minutes.col_no"), t("export.minutes.col_name"),
               t("export.minutes.col_nip"), t("export.minutes.col_jabatan"),
               t("export.minutes.col_unit")]
    per_day = len(days) <= MAX_DAY_COLUMNS
    if per_day:
        headers += [_short_date(d) for d in days]
    else:
        headers.append(t("export.minutes.col_days"))
    rows = []
    for n, person in enumerate(people, start=1):
        row = [str(n), person.name, person.nip, person.jabatan, units.get(person.unit_id, "")]
        attended = set(person.attendance)
        if per_day:
            row += ["✓" if day in attended else "" for day in days]
        else:
            row.append(", ".join(_short_date(d) for d in sorted(attended)))
        rows.append(row)
    numeric = (0, *range(5, 5 + len(days))) if per_day else (0,)
    weights = (1, 4.3, 4.3, 4, 5) + ((1.3,) * len(days) if per_day else (4,))
    return Table(t("export.minutes.attendance_title"), headers, rows, numeric, weights)


def _short_date(value: str) -> str:
    day = parse_date(value)
    return t("export.date.short", day=day.day, month=day.month) if day else value


def figures_of(session: Session) -> dict[str, int]:
    """The counts the minutes report; ``commitments`` are those of the signing, ``opening``
    the people who committed at the opening."""
    from facilitator.core.checkin import opening_commitments
    from facilitator.core.commitments import signing

    ideas = session.ideas()
    groups = selected_by_unit(session)
    commitments = signing(session)
    return {
        "ideas": len(ideas),
        "idea_units": len({i.unit_id for i in ideas if i.unit_id}),
        "problems": len(session.all(Problem)),
        "selected": sum(len(items) for _, items in groups),
        "selected_units": sum(1 for unit, _ in groups if unit),
        "plans": len(session.all(ActionPlan)),
        "commitments": len(commitments),
        "sealed": sum(1 for c in commitments if c.sealed_at),
        "opening": len(opening_commitments(session)),
    }


MINUTES_FIELDS = ("acara", "waktu", "tempat_ttd", "pendahuluan", "tujuan", "kesimpulan",
                  "dokumentasi")
"""The keys of ``lab.minutes`` the coach may write: each replaces the generated text."""


def default_texts(session: Session) -> dict[str, str]:
    """What the minutes say for each of :data:`MINUTES_FIELDS` when the coach wrote nothing
    (in the current language): the app shows these as the fields' placeholders."""
    lab = session.lab
    region = lab.region
    dates = dates_text(lab.dates)
    figures = figures_of(session)
    intro = (t("export.minutes.default_intro", region=region, dates=dates) if dates
             else t("export.minutes.default_intro_nodate", region=region))
    conclusion = (
        t("export.minutes.default_conclusion", region=region,
          selected=integer(figures["selected"]), ideas=integer(figures["ideas"]),
          units=integer(figures["selected_units"]))
        if figures["selected"] else t("export.minutes.default_conclusion_none", region=region))
    return {
        "acara": t("export.minutes.default_event", region=region),
        "waktu": _time_span(session),
        "tempat_ttd": region,
        "pendahuluan": intro,
        "tujuan": t("export.minutes.default_purpose", region=region),
        "kesimpulan": conclusion,
        "dokumentasi": t("export.minutes.default_documentation"),
    }


def build(session: Session) -> list[Block]:
    """The minutes as blocks, in the current language."""
    lab = session.lab
    own = {k: str(v) for k, v in (lab.minutes or {}).items() if str(v or "").strip()}
    text = {**default_texts(session), **own}
    region = lab.region
    dash = t("export.minutes.unknown")
    figures = figures_of(session)
    attended = [p for p in session.all(Participant) if p.attendance]
    people = attended or session.all(Participant)
    units = {p.unit_id for p in people if p.unit_id}
    acara = text["acara"]
    dates = dates_text(lab.dates)

    blocks: list[Block] = [
        Title(t("export.minutes.title"), acara),
        Fields([
            (t("export.minutes.event"), acara),
            (t("export.minutes.day_date"), dates or dash),
            (t("export.minutes.time"), text["waktu"] or dash),
            (t("export.minutes.place"), lab.venue or dash),
            (t("export.minutes.chair"), lab.chair or dash),
            (t("export.minutes.notulis"), lab.notulis or dash),
            (t("export.minutes.participants"),
             t("export.minutes.participants_summary", count=integer(len(people)),
               units=integer(len(units))) if people else dash),
        ]),
        Heading(t("export.minutes.intro")),
    ]
    blocks += _paragraphs(text["pendahuluan"])
    blocks.append(Heading(t("export.minutes.purpose")))
    blocks += _paragraphs(text["tujuan"])
    blocks.append(Heading(t("export.minutes.discussion")))
    notes = _note_items(session)
    if not notes:
        blocks.append(Paragraph([Span(t("export.minutes.no_notes"))]))
    blocks.append(Numbered(notes + _result_items(session, figures)))
    groups = selected_by_unit(session)
    if groups:
        rows = [[str(n), unit or t("export.minutes.no_unit"), item.idea.title]
                for n, (unit, item) in enumerate(
                    ((u, i) for u, items in groups for i in items), start=1)]
        blocks.append(Table(t("export.minutes.selected_title"),
                            [t("export.minutes.col_no"), t("export.minutes.col_unit"),
                             t("export.minutes.col_innovation")], rows, (0,), (1, 6, 9)))
    opening = _opening(session)
    if opening is not None:
        blocks.append(opening)
    blocks.append(Heading(t("export.minutes.conclusion")))
    blocks += _paragraphs(text["kesimpulan"])
    blocks.append(Heading(t("export.minutes.documentation")))
    blocks += _paragraphs(text["dokumentasi"])
    last_day = max((d for d in lab.dates if parse_date(d)), default=session.now()[:10])
    blocks.append(Signatures(
        t("export.minutes.place_date", place=text["tempat_ttd"] or dash,
          date=long_date(last_day)),
        [_signer(session, t("export.minutes.sign_chair"), lab.chair),
         _signer(session, t("export.minutes.sign_notulis"), lab.notulis)]))
    blocks += [PageBreak(landscape=True), Heading(t("export.minutes.appendix")),
               _attendance(session)]
    return blocks


def _file(session: Session, ext: str) -> str:
    return f"{stem(session)}-{safe_name(t('export.file.minutes'))}.{ext}"


# -- Markdown --------------------------------------------------------------------------------

def _md_spans(spans: list[Span]) -> str:
    out = []
    for n, span in enumerate(spans):
        # One line each: a newline inside a list item would end it.
        text = markdown_escape(re.sub(r"\s+", " ", span.text), inline=n > 0)
        if span.bold and text.strip():
            text = f"**{text.strip()}**"
        out.append(text)
    return "".join(out)


def _md_cell(text: str) -> str:
    return markdown_escape(" ".join(str(text).split()), inline=True) or " "


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown (CommonMark with GFM tables); user text is made inert."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Title):
            out += [f"# {markdown_escape(block.text)}", "",
                    f"## {markdown_escape(block.subtitle)}", ""]
        elif isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {markdown_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            out += [_md_spans(block.spans), ""]
        elif isinstance(block, Fields):
            out += [f"- **{markdown_escape(label)}:** {_md_cell(value)}"
                    for label, value in block.rows] + [""]
        elif isinstance(block, Numbered):
            for n, item in enumerate(block.items, start=1):
                out.append(f"{n}. {_md_spans(item.spans)}")
                out += [f"   - {markdown_escape(' '.join(line.split()))}" for line in item.sub]
            out.append("")
        elif isinstance(block, Table):
            out += [f"### {markdown_escape(block.caption)}", ""]
            out.append(_md_row([_md_cell(h) for h in block.headers]))
            out.append(_md_row(["---:" if n in block.numeric else "---"
                                for n in range(len(block.headers))]))
            out += [_md_row([_md_cell(c) for c in row]) for row in block.rows]
            out.append("")
        elif isinstance(block, Signatures):
            signers = block.signers
            out += [markdown_escape(block.place_date), ""]
            out.append(_md_row([_md_cell(s.caption) for s in signers]))
            out.append(_md_row(["---"] * len(signers)))
            out.append(_md_row([_md_cell(s.jabatan) for s in signers]))
            out.append(_md_row(["\\_" * 20] * len(signers)))
            out.append(_md_row([f"**{_md_cell(s.name)}**" if s.name.strip() else " "
                                for s in signers]))
            out.append(_md_row([_md_cell(t("export.minutes.nip", nip=s.nip)) if s.nip else " "
                                for s in signers]))
            out.append("")
        elif isinstance(block, PageBreak):
            out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"


@register_files("md")
def export_markdown(session: Session) -> dict[str, bytes]:
    return {_file(session, "md"): render_markdown(build(session)).encode("utf-8", "replace")}


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Segoe UI", Arial, "DejaVu Sans", sans-serif; color: #111; margin: 0; }
main { max-width: 48rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { text-align: center; letter-spacing: .2em; margin-bottom: 0; }
.subtitle { text-align: center; font-weight: bold; font-size: 1.15rem; margin-top: .3rem; }
h2 { font-size: 1.05rem; text-transform: uppercase; border-bottom: 1px solid #999;
     margin-top: 1.8rem; }
table { border-collapse: collapse; }
table.fields td { padding: .1rem .5rem .1rem 0; vertical-align: top; }
table.fields th { text-align: left; padding-right: .5rem; font-weight: normal;
                  vertical-align: top; white-space: nowrap; }
table.grid { width: 100%; margin: .5rem 0 1rem; }
table.grid caption { font-weight: bold; text-align: left; padding: .3rem 0; }
table.grid th, table.grid td { border: 1px solid #777; padding: .25rem .45rem; text-align: left;
                               vertical-align: top; }
table.grid th { background: #e8eef4; }
table.grid td.num { text-align: center; }
ol li { margin-bottom: .4rem; }
.place { text-align: right; margin-top: 2rem; }
table.sign { width: 100%; margin-top: .5rem; }
table.sign td { width: 50%; text-align: center; vertical-align: top; padding: 0 1rem; }
.space { height: 4.5rem; }
.name { font-weight: bold; text-decoration: underline; }
.pagebreak { break-after: page; page-break-after: always; border-top: 1px dashed #bbb;
             margin: 2rem 0; }
@media print { main { margin: 0; max-width: none; } .pagebreak { border: 0; margin: 0; } }
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True).replace("\n", "<br>")


def _html_spans(spans: list[Span]) -> str:
    return "".join(f"<strong>{_esc(s.text)}</strong>" if s.bold else _esc(s.text)
                   for s in spans)


def render_html(blocks: list[Block], lang: str | None = None) -> str:
    """The blocks as one self-contained HTML page (styles inline, print-ready); every piece of
    text is escaped."""
    title = next((f"{b.text} – {b.subtitle}" for b in blocks if isinstance(b, Title)), "")
    out = ["<!DOCTYPE html>", f'<html lang="{_esc(lang or language())}">', "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_esc(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           "<main>"]
    for block in blocks:
        if isinstance(block, Title):
            out += [f"<h1>{_esc(block.text)}</h1>",
                    f'<p class="subtitle">{_esc(block.subtitle)}</p>']
        elif isinstance(block, Heading):
            out.append(f"<h{block.level + 1}>{_esc(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_html_spans(block.spans)}</p>")
        elif isinstance(block, Fields):
            out.append('<table class="fields">')
            out += [f"<tr><th>{_esc(label)}</th><td>:</td><td>{_esc(value)}</td></tr>"
                    for label, value in block.rows]
            out.append("</table>")
        elif isinstance(block, Numbered):
            out.append("<ol>")
            for item in block.items:
                sub = ("<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in item.sub)
                       + "</ul>") if item.sub else ""
                out.append(f"<li>{_html_spans(item.spans)}{sub}</li>")
            out.append("</ol>")
        elif isinstance(block, Table):
            out.append(f'<table class="grid"><caption>{_esc(block.caption)}</caption>')
            out.append("<thead><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in block.headers)
                       + "</tr></thead><tbody>")
            for row in block.rows:
                out.append("<tr>" + "".join(
                    f'<td class="num">{_esc(c)}</td>' if n in block.numeric
                    else f"<td>{_esc(c)}</td>" for n, c in enumerate(row)) + "</tr>")
            out.append("</tbody></table>")
        elif isinstance(block, Signatures):
            out.append(f'<p class="place">{_esc(block.place_date)}</p>')
            out.append('<table class="sign"><tr>')
            for s in block.signers:
                nip = f"<br>{_esc(t('export.minutes.nip', nip=s.nip))}" if s.nip else ""
                out.append(f"<td>{_esc(s.caption)}<br>{_esc(s.jabatan)}"
                           f'<div class="space"></div><span class="name">{_esc(s.name)}'
                           f"</span>{nip}</td>")
            out.append("</tr></table>")
        elif isinstance(block, PageBreak):
            out.append('<div class="pagebreak"></div>')
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


@register_files("html")
def export_html(session: Session) -> dict[str, bytes]:
    return {_file(session, "html"): render_html(build(session)).encode("utf-8", "replace")}


# -- Word ------------------------------------------------------------------------------------

def render_docx(blocks: list[Block]) -> bytes:
    """The blocks as a Word document: A4 portrait, the attendance list on landscape pages."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    margin = Cm(2.5)

    def page(section, *, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long, short = Cm(29.7), Cm(21.0)
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, margin)

    page(doc.sections[0], landscape=False)
    doc.styles["Normal"].font.size = Pt(11)

    def usable() -> int:
        section = doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def widths(table, weights) -> None:
        # Word and LibreOffice size columns from the grid and from each cell; set both.
        table.autofit = False
        total = sum(weights)
        sizes = [int(usable() * w / total) for w in weights]
        for column, size in zip(table.columns, sizes):
            column.width = size
        for row in table.rows:
            for cell, size in zip(row.cells, sizes):
                cell.width = size

    def para(spans: list[Span], *, indent: float = 0, hanging: float = 0, align=None):
        p = doc.add_paragraph()
        for span in spans:
            run = p.add_run(xml_text(span.text))
            run.bold = span.bold or None
        if indent:
            p.paragraph_format.left_indent = Cm(indent)
        if hanging:
            p.paragraph_format.first_line_indent = Cm(-hanging)
        if align is not None:
            p.alignment = align
        return p

    def cell_text(cell, text: str, *, bold: bool = False, align=None, size=None) -> None:
        p = cell.paragraphs[0]
        run = p.add_run(xml_text(text))
        run.bold = bold or None
        if size is not None:
            run.font.size = size
        if align is not None:
            p.alignment = align

    for block in blocks:
        if isinstance(block, Title):
            title = para([Span(block.text, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
            title.runs[0].font.size = Pt(16)
            para([Span(block.subtitle, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
        elif isinstance(block, Heading):
            doc.add_heading(xml_text(block.text), level=block.level)
        elif isinstance(block, Paragraph):
            para(block.spans, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif isinstance(block, Fields):
            table = doc.add_table(rows=0, cols=3)
            for label, value in block.rows:
                cells = table.add_row().cells
                cell_text(cells[0], label)
                cell_text(cells[1], ":")
                cell_text(cells[2], value)
            widths(table, (4, 0.5, 11.5))
        elif isinstance(block, Numbered):
            for n, item in enumerate(block.items, start=1):
                para([Span(f"{n}.\t")] + item.spans, indent=0.75, hanging=0.75)
                for line in item.sub:
                    para([Span(f"–\t{line}")], indent=1.5, hanging=0.5)
        elif isinstance(block, Table):
            cap = para([Span(block.caption, True)])
            cap.paragraph_format.space_before = Pt(6)
            table = doc.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for n, header in enumerate(block.headers):
                cell_text(table.rows[0].cells[n], header, bold=True, size=Pt(10))
            for row in block.rows:
                cells = table.add_row().cells
                for n, value in enumerate(row):
                    cell_text(cells[n], value, size=Pt(10), align=WD_ALIGN_PARAGRAPH.CENTER
                              if n in block.numeric else None)
            widths(table, block.weights or (1,) * len(block.headers))
        elif isinstance(block, Signatures):
            place = para([Span(block.place_date)], align=WD_ALIGN_PARAGRAPH.RIGHT)
            place.paragraph_format.space_before = Pt(18)
            table = doc.add_table(rows=1, cols=len(block.signers))
            for cell, s in zip(table.rows[0].cells, block.signers):
                first = cell.paragraphs[0]
                first.alignment = WD_ALIGN_PARAGRAPH.CENTER
                first.add_run(xml_text(s.caption))
                for text in (s.jabatan, "", "", ""):
                    cell.add_paragraph(xml_text(text)).alignment = WD_ALIGN_PARAGRAPH.CENTER
                name = cell.add_paragraph()
                name.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = name.add_run(xml_text(s.name))
                run.bold, run.underline = True, True
                if s.nip:
                    cell.add_paragraph(xml_text(t("export.minutes.nip", nip=s.nip))
                                       ).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, PageBreak):
            if block.landscape:
                page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
            else:
                doc.add_page_break()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@register_files("docx")
def export_docx(session: Session) -> dict[str, bytes]:
    return {_file(session, "docx"): render_docx(build(session))}

