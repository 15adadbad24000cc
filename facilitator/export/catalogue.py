"""``pdf``: the catalogue (Direktori Inovasi): the selected innovations grouped by unit, each
with its profile from its action plan."""

from __future__ import annotations

from facilitator.core.records import PROFILE_FIELDS
from facilitator.core.session import Session
from facilitator.export import register_files, safe_name, stem
from facilitator.export.common import Innovation, dates_text, selected_by_unit
from facilitator.export.pdfkit import ensure_room, new_pdf, next_line, paragraph, pdf_bytes
from facilitator.i18n import integer, language, t

LABEL_WIDTH = 50


def _innovation(pdf, number: int, item: Innovation) -> None:
    ensure_room(pdf, 45)
    pdf.ln(2)
    paragraph(pdf, f"{number}. {item.idea.title}", size=12.5, bold=True, h=6)
    if item.idea.description.strip():
        paragraph(pdf, item.idea.description.strip(), size=9.5, grey=True, h=4.6)
    pdf.ln(1.5)
    rows: list[tuple[str, str]] = []
    if item.plan is not None and item.plan.problem.strip():
        rows.append((t("export.catalogue.problem"), item.plan.problem.strip()))
    rows += [(t(f"export.profile.{name}"), item.profile.get(name, "")) for name in PROFILE_FIELDS]
    for label, value in rows:
        ensure_room(pdf, 6)
        top = pdf.get_y()
        pdf.use(8.5, bold=True)
        pdf.set_text_color(60, 60, 60)
        pdf.multi_cell(LABEL_WIDTH, 4.6, pdf.fit(label), align="L")
        label_bottom, label_page = pdf.get_y(), pdf.page
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
        pdf.use(9.5)
        pdf.multi_cell(0, 4.6, pdf.fit(value or "–"), align="L", **next_line(pdf))
        if pdf.page == label_page:
            pdf.set_y(max(pdf.get_y(), label_bottom))
        pdf.ln(0.8)
    if item.plan is None:
        paragraph(pdf, t("export.catalogue.no_plan"), size=8.5, grey=True)
    pdf.ln(1)
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0, 0, 0)


def render_catalogue(session: Session) -> bytes:
    """The catalogue as PDF bytes, in the current language."""
    lab = session.lab
    groups = selected_by_unit(session)
    count = sum(len(items) for _, items in groups)
    title = t("export.catalogue.title", region=lab.region)
    pdf = new_pdf(title=title, lang=language(),
                  footer=t("export.catalogue.footer", region=lab.region, page="{page}",
                           pages="{nb}"))
    pdf.add_page()
    pdf.ln(30)
    paragraph(pdf, t("export.catalogue.heading"), size=26, bold=True, align="C", h=12)
    paragraph(pdf, lab.region, size=18, bold=True, align="C", h=10)
    pdf.ln(4)
    subtitle = t("export.catalogue.lab")
    dates = dates_text(lab.dates)
    paragraph(pdf, f"{subtitle} · {dates}" if dates else subtitle, size=11, align="C", grey=True)
    pdf.ln(10)
    if not groups:
        paragraph(pdf, t("export.catalogue.none"), size=11, align="C")
        return pdf_bytes(pdf)
    units = sum(1 for unit, _ in groups if unit)
    paragraph(pdf, t("export.catalogue.summary", count=integer(count), units=integer(units)),
              size=12, bold=True, align="C")
    pdf.ln(8)
    paragraph(pdf, t("export.catalogue.contents"), size=11, bold=True)
    pdf.ln(1)
    for unit, items in groups:
        paragraph(pdf, f"{unit or t('export.catalogue.no_unit')} ({integer(len(items))})",
                  size=9.5, h=5)
    number = 0
    pdf.add_page()
    for unit, items in groups:
        ensure_room(pdf, 60)
        pdf.ln(3)
        pdf.set_fill_color(30, 78, 121)
        pdf.set_text_color(255, 255, 255)
        pdf.use(12, bold=True)
        pdf.multi_cell(0, 8, pdf.fit(f" {unit or t('export.catalogue.no_unit')}"), fill=True,
                       align="L", **next_line(pdf))
        pdf.set_text_color(0, 0, 0)
        for item in items:
            number += 1
            _innovation(pdf, number, item)
    return pdf_bytes(pdf)


@register_files("pdf")
def export_catalogue(session: Session) -> dict[str, bytes]:
    return {f"{stem(session)}-{safe_name(t('export.file.catalogue'))}.pdf":
            render_catalogue(session)}
