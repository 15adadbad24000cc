"""The dialogs of the commitments: draft, sign (typed or paper), withdraw, details, verify.

Each hands what was typed to the core (:mod:`facilitator.core.commitments`); a refusal (a typed
name that is not the official's, a sealed commitment, a missing sheet number) is shown in the
dialog in the user's language and the dialog stays open.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select, Static, TextArea

from facilitator.app.screens.plan_dialogs import (
    PlanFormDialog, FormRow, field_input, field_select, field_text, select_value,
)
from facilitator.app.screens.dialog import refill
from facilitator.app.widgets.stage_text import short_date
from facilitator.core import commitments as cm
from facilitator.core.records import Commitment, Idea, Participant, Unit
from facilitator.core.seal import short_code
from facilitator.i18n import t


def summary(session: Any, c: Commitment) -> Text:
    """Who commits to what, and before whom: the lines a signer reads before signing."""
    text = Text(end="")

    def line(label: str, value: str) -> None:
        if text.plain:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        text.append(value or "–")

    official = c.official
    line(t("plans.commitment.official"), ", ".join(
        p for p in (official.get("name", ""), official.get("jabatan", "")) if p))
    line(t("plans.commitment.unit"), session.unit_name(c.unit_id) or official.get("unit", ""))
    line(t("plans.commitment.to"), cm.innovation_text(session, c))
    line(t("plans.commitment.head"), ", ".join(
        p for p in (c.head.get("name", ""), c.head.get("jabatan", "")) if p))
    line(t("plans.commitment.witness"), ", ".join(
        p for p in (c.witness.get("name", ""), c.witness.get("jabatan", "")) if p))
    line(t("plans.commitment.place_date"), ", ".join(
        p for p in (c.place, short_date(c.date) if c.date else "") if p))
    return text


class CommitmentDialog(PlanFormDialog):
    """Draft a commitment, or change one not yet signed; dismissed with the stored one.

    Kept once built (see :mod:`dialog`): the next commitment refills it.
    """

    KEEP = True
    PEOPLE = ("official", "head", "witness")

    def __init__(self, session: Any, commitment: Commitment, **kwargs: Any) -> None:
        title = (t("plans.commitment.edit_title") if commitment.id
                 else t("plans.commitment.new_title"))
        super().__init__(title, self._store, **kwargs)
        self.session = session
        self.commitment = commitment
        self._generated = cm.fill_text(session, commitment)
        self._prefilled = dict(commitment.official)

    def _choices(self) -> dict[str, list[tuple[str, str]]]:
        """The options of the selects, for this commitment (its idea kept if no longer chosen)."""
        c, session = self.commitment, self.session
        ideas = [session.get(Idea, i) for i in session.selected_ids()]
        if c.idea_id and c.idea_id not in session.selected_ids():
            ideas.append(session.get(Idea, c.idea_id))
        return {
            "c-kind": [(t("plans.commitment.kind_innovation"), cm.INNOVATION),
                       (t("plans.commitment.kind_unit"), cm.UNIT)],
            "c-idea": sorted(((f"{i.title}", i.id) for i in ideas if i is not None),
                             key=lambda o: o[0].casefold()),
            "c-unit": sorted(((u.name, u.id) for u in session.all(Unit)),
                             key=lambda o: o[0].casefold()),
            "c-lang": [("Bahasa Indonesia", "id"), ("English", "en")],
        }

    def _values(self) -> dict[str, str]:
        """What each field shows at first, by the field's id."""
        c = self.commitment
        values = {"c-kind": c.kind, "c-idea": c.idea_id, "c-unit": c.unit_id,
                  "c-place": c.place, "c-date": c.date, "c-lang": c.lang, "c-text": c.text}
        for who in self.PEOPLE:
            person = getattr(c, who)
            for part in ("name", "jabatan", "nip"):
                values[f"c-{who}-{part}"] = person.get(part, "")
        return values

    def compose_form(self) -> ComposeResult:
        choices, values = self._choices(), self._values()
        yield FormRow(t("plans.commitment.kind"), field_select(
            choices["c-kind"], values["c-kind"], id="c-kind", allow_blank=False))
        yield FormRow(t("plans.commitment.innovation"),
                      field_select(choices["c-idea"], values["c-idea"], id="c-idea"),
                      id="row-idea")
        yield FormRow(t("plans.commitment.unit"),
                      field_select(choices["c-unit"], values["c-unit"], id="c-unit"),
                      id="row-unit")
        for who in self.PEOPLE:
            yield FormRow(t(f"plans.commitment.{who}"),
                          field_input(values[f"c-{who}-name"], id=f"c-{who}-name",
                                      placeholder=t("plans.commitment.name_hint")),
                          classes="tight")
            yield FormRow(t("plans.commitment.jabatan"),
                          field_input(values[f"c-{who}-jabatan"], id=f"c-{who}-jabatan"),
                          classes="tight")
            yield FormRow(t("plans.commitment.nip"),
                          field_input(values[f"c-{who}-nip"], id=f"c-{who}-nip",
                                      max_length=30))
        yield FormRow(t("plans.commitment.place"), field_input(values["c-place"], id="c-place"),
                      classes="tight")
        yield FormRow(t("plans.commitment.date"),
                      field_input(values["c-date"], id="c-date",
                                  placeholder=t("plans.form.date_hint"), max_length=10),
                      classes="tight")
        yield FormRow(t("plans.commitment.lang"), field_select(
            choices["c-lang"], values["c-lang"], id="c-lang", allow_blank=False))
        yield FormRow(t("plans.commitment.text"),
                      field_text(values["c-text"], id="c-text", height=6))

    def take_over(self, fresh: "CommitmentDialog") -> None:
        super().take_over(fresh)
        self.session, self.commitment = fresh.session, fresh.commitment
        self._generated, self._prefilled = fresh._generated, fresh._prefilled
        choices = self._choices()
        for field_id, value in self._values().items():
            refill(self.query_one(f"#{field_id}"), value, choices=choices.get(field_id))
        self._show_kind()

    def on_mount(self) -> None:
        self._show_kind()

    def _show_kind(self) -> None:
        kind = select_value(self.query_one("#c-kind", Select))
        self.query_one("#row-idea").display = kind == cm.INNOVATION
        self.query_one("#row-unit").display = kind == cm.UNIT

    def draft(self) -> Commitment:
        """The commitment as the form holds it now."""
        import dataclasses

        def person(who: str) -> dict[str, str]:
            return {f: self.query_one(f"#c-{who}-{f}", Input).value
                    for f in ("name", "jabatan", "nip")}

        kind = select_value(self.query_one("#c-kind", Select)) or cm.INNOVATION
        idea_id = select_value(self.query_one("#c-idea", Select))
        unit_id = select_value(self.query_one("#c-unit", Select))
        if kind == cm.INNOVATION:
            idea = self.session.get(Idea, idea_id) if idea_id else None
            unit_id = idea.unit_id if idea else ""
        else:
            idea_id = ""
        official = person("official")
        official["unit"] = self.session.unit_name(unit_id)
        return dataclasses.replace(
            self.commitment, kind=kind, idea_id=idea_id, unit_id=unit_id, official=official,
            head=person("head"), witness=person("witness"),
            place=self.query_one("#c-place", Input).value,
            date=self.query_one("#c-date", Input).value,
            lang=select_value(self.query_one("#c-lang", Select)) or "id",
            text=self.query_one("#c-text", TextArea).text)

    @on(Select.Changed, "#c-kind")
    @on(Select.Changed, "#c-idea")
    @on(Select.Changed, "#c-unit")
    def _target_changed(self) -> None:
        self._show_kind()
        self._prefill_official()
        self._regenerate()

    @on(Select.Changed, "#c-lang")
    @on(Input.Changed, "#c-official-name")
    @on(Input.Changed, "#c-official-jabatan")
    @on(Input.Changed, "#c-head-name")
    @on(Input.Changed, "#c-head-jabatan")
    def _names_changed(self) -> None:
        self._regenerate()

    def _prefill_official(self) -> None:
        """A new unit's head, if the official was still the one the form had filled in."""
        draft = self.draft()
        current = {f: draft.official.get(f, "") for f in ("name", "jabatan", "nip")}
        if any(current.values()) and current != {f: self._prefilled.get(f, "")
                                                 for f in current}:
            return  # typed by the coach: keep it
        heads = [p for p in self.session.all(Participant)
                 if p.unit_id == draft.unit_id and p.role == "kepala_opd"]
        person = heads[0] if heads else None
        fill = {"name": person.name if person else "", "jabatan": person.jabatan if person
                else "", "nip": person.nip if person else ""}
        for field, value in fill.items():
            self.query_one(f"#c-official-{field}", Input).value = value
        self._prefilled = fill

    def _regenerate(self) -> None:
        """The template's text again for the new names, unless the coach rewrote the text."""
        area = self.query_one("#c-text", TextArea)
        if area.text.strip() and " ".join(area.text.split()) != " ".join(
                self._generated.split()):
            return
        self._generated = cm.fill_text(self.session, self.draft())
        if area.text != self._generated:
            area.load_text(self._generated)

    def values(self) -> dict[str, Any]:
        return {"commitment": self.draft()}

    def _store(self, values: dict[str, Any]) -> Commitment:
        return cm.save(self.session, values["commitment"])


class SignTypedDialog(PlanFormDialog):
    """The official reads the commitment and types their full name to sign it."""

    OK_KEY = "plans.sign.typed_ok"

    def __init__(self, session: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(t("plans.sign.typed_title"), self._store, **kwargs)
        self.session = session
        self.commitment = commitment

    KEEP = True

    def compose_form(self) -> ComposeResult:
        yield Static(summary(self.session, self.commitment), classes="form-note",
                     id="sign-summary")
        yield Static(Text(self.commitment.text), classes="form-note commitment-text",
                     id="sign-text")

    def compose_fixed(self) -> ComposeResult:
        yield Static(Text(t("plans.sign.typed_help"), style="italic"), classes="form-note")
        yield FormRow(t("plans.sign.typed_name"),
                      field_input(id="sign-name", placeholder=t("plans.sign.typed_hint")),
                      classes="tight")

    def on_mount(self) -> None:
        self.query_one("#sign-name", Input).focus()

    def take_over(self, fresh: "SignTypedDialog") -> None:
        super().take_over(fresh)
        self.session, self.commitment = fresh.session, fresh.commitment
        self.query_one("#sign-summary", Static).update(summary(self.session, self.commitment))
        self.query_one("#sign-text", Static).update(Text(self.commitment.text))
        name = self.query_one("#sign-name", Input)
        refill(name, "")
        self.focus_on_show(name)

    def values(self) -> dict[str, Any]:
        return {"name": self.query_one("#sign-name", Input).value}

    def _store(self, values: dict[str, Any]) -> Commitment:
        return cm.sign_typed(self.session, self.commitment, values["name"])


class SheetDialog(PlanFormDialog):
    """The signed paper sheet came back: record its number, which seals the commitment."""

    OK_KEY = "plans.sign.paper_ok"

    def __init__(self, session: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(t("plans.sign.paper_title"), self._store, **kwargs)
        self.session = session
        self.commitment = commitment

    KEEP = True

    def compose_form(self) -> ComposeResult:
        yield Static(summary(self.session, self.commitment), classes="form-note",
                     id="sheet-summary")

    def compose_fixed(self) -> ComposeResult:
        yield Static(Text(t("plans.sign.paper_help")), classes="form-note")
        yield FormRow(t("plans.sign.sheet_no"),
                      field_input(id="sheet-no", placeholder=t("plans.sign.sheet_hint")),
                      classes="tight")

    def on_mount(self) -> None:
        self.query_one("#sheet-no", Input).focus()

    def take_over(self, fresh: "SheetDialog") -> None:
        super().take_over(fresh)
        self.session, self.commitment = fresh.session, fresh.commitment
        self.query_one("#sheet-summary", Static).update(summary(self.session, self.commitment))
        number = self.query_one("#sheet-no", Input)
        refill(number, "")
        self.focus_on_show(number)

    def values(self) -> dict[str, Any]:
        return {"sheet": self.query_one("#sheet-no", Input).value}

    def _store(self, values: dict[str, Any]) -> Commitment:
        return cm.sign_paper(self.session, self.commitment, values["sheet"])


class WithdrawDialog(PlanFormDialog):
    """Withdraw a sealed commitment: a new record, signed typed now or on paper later."""

    OK_KEY = "plans.withdraw.ok"
    KEEP = True

    def __init__(self, session: Any, commitment: Commitment, day: str, **kwargs: Any) -> None:
        super().__init__(t("plans.withdraw.title"), self._store, **kwargs)
        self.session = session
        self.commitment = commitment
        self.day = day

    def compose_form(self) -> ComposeResult:
        c = self.commitment
        yield Static(summary(self.session, c), classes="form-note", id="w-summary")
        yield Static(Text(t("plans.withdraw.help", code=short_code(c.seal))), classes="form-note",
                     id="w-help")

    def compose_fixed(self) -> ComposeResult:
        yield FormRow(t("plans.withdraw.reason"), field_text(id="w-reason", height=3),
                      classes="tight")
        yield FormRow(t("plans.withdraw.how"), field_select(
            [(t("plans.withdraw.how_typed"), "typed"), (t("plans.withdraw.how_paper"), "paper")],
            "typed", id="w-how", allow_blank=False), classes="tight")
        yield FormRow(t("plans.sign.typed_name"),
                      field_input(id="w-name", placeholder=t("plans.withdraw.name_hint",
                                                              name=self.commitment.official.get(
                                                                  "name", ""))),
                      id="row-w-name", classes="tight")

    def on_mount(self) -> None:
        self.query_one("#w-reason", TextArea).focus()

    def take_over(self, fresh: "WithdrawDialog") -> None:
        super().take_over(fresh)
        self.session, self.commitment, self.day = fresh.session, fresh.commitment, fresh.day
        self.submit_form = self._store
        c = self.commitment
        self.query_one("#w-summary", Static).update(summary(self.session, c))
        self.query_one("#w-help", Static).update(
            Text(t("plans.withdraw.help", code=short_code(c.seal))))
        reason = self.query_one("#w-reason", TextArea)
        refill(reason, "")
        refill(self.query_one("#w-how", Select), "typed")
        refill(self.query_one("#w-name", Input), "", placeholder=t(
            "plans.withdraw.name_hint", name=c.official.get("name", "")))
        self.query_one("#row-w-name").display = True  # as for "typed", its Changed held back
        self.focus_on_show(reason)

    @on(Select.Changed, "#w-how")
    def _how_changed(self, event: Select.Changed) -> None:
        self.query_one("#row-w-name").display = select_value(event.select) == "typed"

    def values(self) -> dict[str, Any]:
        return {"reason": self.query_one("#w-reason", TextArea).text,
                "how": select_value(self.query_one("#w-how", Select)) or "typed",
                "name": self.query_one("#w-name", Input).value}

    def _store(self, values: dict[str, Any]) -> Commitment:
        return cm.withdraw(self.session, self.commitment, reason=values["reason"],
                           how=values["how"], typed_name=values["name"], day=self.day)


class InfoDialog(PlanFormDialog):
    """Text to read, and a button to close it."""

    OK_KEY = "plans.form.close"
    SHOW_CANCEL = False
    SCROLL_FOCUS = True
    BINDINGS = [Binding("enter", "submit", show=False)]

    KEEP = True

    def __init__(self, title: str, body: Text, **kwargs: Any) -> None:
        super().__init__(title, lambda values: None, **kwargs)
        self.body = body

    def compose_form(self) -> ComposeResult:
        yield Static(self.body, classes="form-note", id="info-body")

    def on_mount(self) -> None:
        self.query_one("#form-scroll").focus()

    def take_over(self, fresh: "InfoDialog") -> None:
        super().take_over(fresh)
        self.body = fresh.body
        self.query_one("#info-body", Static).update(self.body)
        self.focus_on_show(self.query_one("#form-scroll"))


def details(session: Any, c: Commitment, withdrawn: set[str]) -> Text:
    """Everything about one commitment: its names, text, how it was signed and its seal."""
    text = summary(session, c)
    status = cm.state(c, withdrawn)
    text.append("\n")
    text.append(f"{t('plans.commitment.status')}: ", style="bold")
    text.append(status_text(c, status))
    if c.withdraws:
        original = session.get(Commitment, c.withdraws)
        text.append("\n")
        text.append(f"{t('plans.commitment.withdraws')}: ", style="bold")
        text.append(f"{original.official.get('name', '') if original else ''} "
                    f"({short_code(original.seal) if original and original.seal else c.withdraws})")
    if c.sealed_at:
        how = t(f"plans.how.{c.signed_how}") if c.signed_how in ("typed", "paper") else ""
        if c.sheet_no:
            how += f" · {t('plans.sign.sheet_no')} {c.sheet_no}"
        text.append("\n")
        text.append(f"{t('plans.commitment.signed')}: ", style="bold")
        text.append(f"{how} · {c.sealed_at[:16].replace('T', ' ')} UTC · {c.chain} #{c.seq}")
        text.append("\n")
        text.append(f"{t('plans.commitment.seal')}: ", style="bold")
        text.append(c.seal)
    text.append("\n\n")
    text.append(c.text)
    return text


def status_text(c: Commitment, status: str) -> str:
    """A commitment's state as the list shows it (``disegel 3F9A-0C1D``, ``ditarik``...)."""
    code = short_code(c.seal) if c.seal else ""
    return t(f"plans.state.{status}", code=code)
