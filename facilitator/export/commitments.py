"""``commitments-pdf``: one printable page per commitment (Komitmen Kesepakatan Berinovasi).

Each page is in the commitment's own language (a commitment made in English prints in English
whatever the app shows). Before signing it has blank lines to sign on and a space for the sheet
number the coach records when it comes back; once sealed it carries the seal's short code, how it
was signed and when, and the full SHA-256 that ``facilitator verify`` checks, and no blanks.

A commitment withdrawn by a sealed withdrawal is stamped as withdrawn, with the withdrawal's date,
seal and reason: the page of a signed commitment may be shown long after, and must not pass for
one that stands. The withdrawal prints as what it is (who withdraws which commitment, and why),
signed or to be signed like any other.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from facilitator.core.commitments import signing, withdrawal_reason, withdrawals
from facilitator.core.records import Commitment, Idea
from facilitator.core.seal import short_code
from facilitator.core.session import Session
from facilitator.export import register_files, safe_name, stem
from facilitator.export.common import long_date, selected_by_unit, timestamp
from facilitator.export.pdfkit import new_pdf, next_line, paragraph, pdf_bytes
from facilitator.i18n import LANGUAGES, language, t, t_in

MARGIN = 20
BLANK = "." * 40
TEXT_TOP_SIZE = 11
TEXT_MIN_SIZE = 7
# The page's fixed layout, in mm from the top of an A4 sheet: the text ends above the place and
# date, two rows of signature blocks (about 40 mm each) follow, and the seal box sits at the foot.
TEXT_BOTTOM = 142
ROW_ONE = 153
ROW_TWO = 200
SEAL_BOX = 250
ROLE_LINES = 3


def _ordered(session: Session) -> list[Commitment]:
    def key(c: Commitment) -> tuple[str, str, str]:
        idea = session.get(Idea, c.idea_id)
        return (session.unit_name(c.unit_id).casefold(),
                (idea.title if idea else "").casefold(), c.created)

    return sorted(signing(session), key=key)


def _innovation_text(session: Session, c: Commitment, by_unit: dict[str, list[str]]) -> str:
    idea = session.get(Idea, c.idea_id) if c.idea_id else None
    if idea is not None:
        return idea.title
    return "; ".join(by_unit.get(c.unit_id, []))


def _commitment_text(session: Session, c: Commitment, innovation: str, lang: str) -> str:
    """The text the official signs: as recorded, or the template's text filled in."""
    if c.text.strip():
        return c.text.strip()
    from facilitator.core.template import load_default_template

    fill: dict[str, str] = defaultdict(str, {
        "official": c.official.get("name", "") or BLANK,
        "jabatan": c.official.get("jabatan", "") or BLANK,
        "unit": session.unit_name(c.unit_id) or BLANK,
        "innovation": innovation or BLANK,
        "region": session.lab.region,
        "head": c.head.get("name", "") or c.head.get("jabatan", "") or BLANK,
    })
    template = load_default_template().commitment_text
    return (template.get(lang) or template.get("id", "")).format_map(fill)


def _fit_text(pdf: Any, text: str, width: float, height: float) -> tuple[float, str]:
    """The largest font size (down to a floor) at which ``text`` fits the box; what does not
    fit even then is cut with an ellipsis, so a commitment never spills onto a second page."""
    body = pdf.fit(text)
    for size in range(TEXT_TOP_SIZE * 2, TEXT_MIN_SIZE * 2 - 1, -1):
        pdf.use(size / 2)
        lines = pdf.multi_cell(width, size / 2 * 0.55, body, dry_run=True, output="LINES")
        if len(lines) * size / 2 * 0.55 <= height:
            return size / 2, body
    line_h = TEXT_MIN_SIZE * 0.55
    lines = pdf.multi_cell(width, line_h, body, dry_run=True, output="LINES")
    keep = max(int(height // line_h), 1)
    return TEXT_MIN_SIZE, "\n".join(lines[:keep]).rstrip() + " …"


def _signature(pdf: Any, x: float, y: float, w: float, caption: str, role: str,
               person: dict[str, str], seal_line: str, lang: str, *, nip: bool = True) -> None:
    pdf.set_xy(x, y)
    pdf.use(10)
    pdf.multi_cell(w, 5, pdf.fit(caption), align="C", **_at_x(pdf, x))
    pdf.use(9)
    lines = pdf.multi_cell(w, 4.5, pdf.fit(role), dry_run=True, output="LINES")
    if len(lines) > ROLE_LINES:  # a long unit name must not run into the space to sign on
        lines = lines[:ROLE_LINES - 1] + [lines[ROLE_LINES - 1].rstrip() + " …"]
    pdf.multi_cell(w, 4.5, "\n".join(lines), align="C", **_at_x(pdf, x))
    sign_top = y + 15
    if seal_line:
        pdf.set_xy(x, sign_top + 5)
        pdf.set_text_color(20, 100, 60)
        pdf.use(8.5, bold=True)
        pdf.multi_cell(w, 4.5, pdf.fit(seal_line), align="C", **_at_x(pdf, x))
        pdf.set_text_color(0, 0, 0)
    pdf.set_xy(x, sign_top + 16)
    name = person.get("name", "").strip()
    pdf.use(10, bold=True)
    if name:
        pdf.set_font(style="BU")
        pdf.multi_cell(w, 5, pdf.fit(name), align="C", **_at_x(pdf, x))
        pdf.use(10, bold=True)
    else:
        pdf.multi_cell(w, 5, f"( {BLANK} )", align="C", **_at_x(pdf, x))
    number = person.get("nip", "").strip()
    if nip and (number or not seal_line):  # a sealed page has no blanks left to fill
        pdf.use(9)
        pdf.multi_cell(w, 4.5, pdf.fit(t_in(lang, "export.commitments.nip",
                                            nip=number or BLANK[:24])),
                       align="C", **_at_x(pdf, x))


def _at_x(pdf: Any, x: float) -> dict[str, Any]:
    # After each line of a signature block, the next starts at the block's own left edge.
    from fpdf.enums import XPos, YPos

    pdf.set_x(x)
    return {"new_x": XPos.LEFT, "new_y": YPos.NEXT}


def _withdrawn_stamp(pdf: Any, c: Commitment, withdrawal: Commitment, lang: str,
                     width: float) -> None:
    """The mark of a withdrawn commitment: a red boxed DITARIK with when, by whom and why."""
    tr = lambda key, **kw: t_in(lang, f"export.commitments.{key}", **kw)  # noqa: E731
    day = long_date(withdrawal.date, lang) if withdrawal.date.strip() else "-"
    top = pdf.get_y()
    pdf.set_draw_color(180, 20, 20)
    pdf.set_text_color(180, 20, 20)
    pdf.set_line_width(0.6)
    pdf.use(14, bold=True)
    pdf.multi_cell(width, 7, pdf.fit(tr("withdrawn_stamp")), align="C", **next_line(pdf))
    pdf.use(9)
    line = tr("withdrawn_line", date=day, name=withdrawal.official.get("name", "") or "-",
              code=short_code(withdrawal.seal), reason=withdrawal_reason(withdrawal) or "-")
    lines = pdf.multi_cell(width - 6, 4.5, pdf.fit(line), dry_run=True, output="LINES")
    pdf.set_x(MARGIN + 3)
    pdf.multi_cell(width - 6, 4.5, "\n".join(lines[:3]), align="C", **_at_x(pdf, MARGIN + 3))
    pdf.rect(MARGIN, top - 1, width, pdf.get_y() - top + 2)
    pdf.set_line_width(0.2)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)


def _page(pdf: Any, session: Session, c: Commitment, by_unit: dict[str, list[str]],
          withdrawn_by: dict[str, Commitment]) -> None:
    lang = c.lang if c.lang in LANGUAGES else "id"
    tr = lambda key, **kw: t_in(lang, f"export.commitments.{key}", **kw)  # noqa: E731
    pdf.add_page()
    region = session.lab.region
    innovation = _innovation_text(session, c, by_unit)
    unit = session.unit_name(c.unit_id)
    width = pdf.w - 2 * MARGIN

    paragraph(pdf, t_in(lang, "export.catalogue.lab") + (f" · {region}" if region else ""),
              size=9, align="C", grey=True)
    pdf.ln(3)
    paragraph(pdf, tr("withdrawal_title" if c.withdraws else "title"), size=15, bold=True,
              align="C", h=7)
    pdf.ln(3)
    if c.id in withdrawn_by:
        _withdrawn_stamp(pdf, c, withdrawn_by[c.id], lang, width)
    pdf.ln(2)
    rows = [(tr("innovation"), innovation or BLANK), (tr("unit"), unit or BLANK),
            (tr("official"), c.official.get("name", "") or BLANK),
            (tr("jabatan"), c.official.get("jabatan", "") or BLANK),
            (tr("nip_label"), c.official.get("nip", "") or BLANK)]
    if c.withdraws:
        other = session.get(Commitment, c.withdraws)
        if other is not None:
            rows.append((tr("withdraws"), tr(
                "withdraws_value", name=other.official.get("name", "") or "-",
                date=long_date(other.date, lang) if other.date.strip() else "-",
                code=short_code(other.seal) if other.seal else "-", id=other.id)))
        else:
            rows.append((tr("withdraws"), c.withdraws))
        rows.append((tr("reason"), withdrawal_reason(c) or "-"))
    for label, value in rows:
        top = pdf.get_y()
        pdf.use(9.5, bold=True)
        pdf.cell(38, 5.5, pdf.fit(label))
        pdf.set_xy(MARGIN + 38, top)
        pdf.use(10)
        pdf.multi_cell(0, 5.5, pdf.fit(value), max_line_height=5.5, align="L",
                       **next_line(pdf))
    pdf.ln(4)

    text_top = pdf.get_y()
    text_height = TEXT_BOTTOM - text_top
    size, body = _fit_text(pdf, _commitment_text(session, c, innovation, lang), width,
                           text_height)
    pdf.use(size)
    pdf.multi_cell(width, size * 0.55, body, align="J", **next_line(pdf))

    pdf.set_y(TEXT_BOTTOM + 3)
    place = c.place.strip() or BLANK[:20]
    day = long_date(c.date, lang) if c.date.strip() else BLANK[:20]
    paragraph(pdf, tr("place_date", place=place, date=day), size=10, align="R")

    seal_line = tr("sealed_line", code=short_code(c.seal)) if c.sealed_at else ""
    half = (width - 10) / 2
    head_role = c.head.get("jabatan", "") or tr("head_role", region=region)
    official_role = ", ".join(p for p in (c.official.get("jabatan", ""), unit) if p)
    _signature(pdf, MARGIN, ROW_ONE, half,
               tr("sign_withdrawing" if c.withdraws else "sign_official"), official_role,
               c.official, seal_line, lang)
    _signature(pdf, MARGIN + half + 10, ROW_ONE, half, tr("sign_head"), head_role, c.head,
               seal_line, lang, nip=bool(c.head.get("nip", "").strip()))
    witness_role = c.witness.get("jabatan", "") or tr("witness_role")
    _signature(pdf, MARGIN + (width - half) / 2, ROW_TWO, half, tr("sign_witness"), witness_role,
               c.witness, seal_line, lang)

    box_top = SEAL_BOX
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(MARGIN, box_top, width, 20)
    pdf.set_xy(MARGIN + 2, box_top + 1.5)
    inner = width - 4
    if c.sealed_at:
        how = (tr("signed_typed") if c.signed_how == "typed"
               else tr("signed_paper", sheet=c.sheet_no or "-") if c.signed_how == "paper"
               else c.signed_how)
        lines = [(tr("sealed_title", code=short_code(c.seal)), True, 9),
                 (tr("sealed_how", how=how, at=timestamp(c.sealed_at, lang)), False, 8),
                 (tr("sealed_hash", seal=c.seal, id=c.id), False, 6.5)]
    else:
        help_key = "withdrawal_unsigned_help" if c.withdraws else "unsigned_help"
        lines = [(tr("unsigned_title"), True, 9), (tr(help_key), False, 8),
                 (tr("unsigned_sheet", blank=BLANK[:20], id=c.id), False, 8)]
    for text, bold, size in lines:
        pdf.use(size, bold)
        pdf.multi_cell(inner, size * 0.5, pdf.fit(text), max_line_height=size * 0.5, align="L",
                       **_at_x(pdf, MARGIN + 2))


def render_commitments(session: Session) -> bytes:
    """One page per commitment (not deleted) as PDF bytes; a single note page if there are
    none."""
    region = session.lab.region
    pdf = new_pdf(title=t("export.commitments.doc_title", region=region), lang=language(),
                  footer="", margin=MARGIN)
    pdf.set_auto_page_break(False)
    by_unit: dict[str, list[str]] = {}
    for unit, items in selected_by_unit(session):
        for item in items:
            by_unit.setdefault(item.idea.unit_id, []).append(item.idea.title)
    commitments = _ordered(session)
    withdrawn_by = withdrawals(session)
    for commitment in commitments:
        _page(pdf, session, commitment, by_unit, withdrawn_by)
    if not commitments:
        pdf.add_page()
        paragraph(pdf, t("export.commitments.none", region=region), size=12, align="C")
    return pdf_bytes(pdf)


@register_files("commitments-pdf")
def export_commitments(session: Session) -> dict[str, bytes]:
    return {f"{stem(session)}-{safe_name(t('export.file.commitments'))}.pdf":
            render_commitments(session)}
