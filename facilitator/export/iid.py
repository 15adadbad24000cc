"""``iid``: the selected innovations in exactly the fields of the national Indeks Inovasi Daerah
form, one row each, so the region can enter them into the national system without retyping."""

from __future__ import annotations

from facilitator.core.session import Session
from facilitator.export import register_files, safe_name, stem
from facilitator.export.common import selected_by_unit
from facilitator.export.tables import sheet_title, style_sheet, workbook_bytes
from facilitator.i18n import t

IID_FIELDS = ("tahapan", "inisiator", "jenis", "bentuk", "urusan", "waktu_uji_coba",
              "waktu_penerapan", "rancang_bangun", "tujuan", "manfaat", "hasil", "anggaran")
"""The form's fields after the innovation's name, in the form's order (DOMAIN.md)."""


def iid_rows(session: Session) -> tuple[list[str], list[list[str]]]:
    """The header and one row per selected innovation: unit, name, then the form's fields."""
    headers = [t("export.iid.unit"), t("export.iid.nama")] + [t(f"export.iid.{name}")
                                                              for name in IID_FIELDS]
    body = [[unit, item.idea.title] + [item.profile.get(name, "") for name in IID_FIELDS]
            for unit, items in selected_by_unit(session) for item in items]
    return headers, body


@register_files("iid")
def export_iid(session: Session) -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(t("export.iid.sheet"), set())
    headers, body = iid_rows(session)
    style_sheet(sheet, headers, body, max_width=50, wrap=True)
    return {f"{stem(session)}-{safe_name(t('export.file.iid'))}.xlsx": workbook_bytes(book)}
