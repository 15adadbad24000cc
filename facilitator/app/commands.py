"""The command palette's commands (ctrl+p): what the app can do from anywhere."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from facilitator.core.records import STAGES
from facilitator.i18n import LANGUAGES, language, t


class Command(NamedTuple):
    name: str
    help: str
    run: Callable[[], Any]
    discover: bool = True


def app_commands(app: Any) -> list[Command]:
    """The app's commands in the current language, those that make sense right now."""
    from facilitator.app.themes import OFFERED, offered_themes, theme_label

    items: list[Command] = []
    if app.session is not None:
        for number, stage in enumerate(STAGES, 1):
            name = t(f"stage.{stage}")
            items.append(Command(t("app.palette.stage", stage=name),
                                 t("app.palette.stage_help", stage=name, key=number),
                                 partial(app.switch_stage, stage)))
        items.append(Command(t("app.palette.undo"), t("app.palette.undo_help"), app.action_undo))
    for lang in LANGUAGES:
        if lang != language():
            items.append(Command(t(f"app.palette.language_{lang}"), t("app.palette.language_help"),
                                 partial(app.change_language, lang)))
    for theme in offered_themes(list(app.available_themes)):
        if theme != app.theme:
            items.append(Command(t("app.palette.theme", name=theme_label(theme)),
                                 t("app.palette.theme_help"), partial(app.change_theme, theme),
                                 discover=theme in OFFERED))
    items.append(Command(t("app.palette.picker"), t("app.palette.picker_help"),
                         app.action_open_picker))
    items.append(Command(t("app.palette.keys"), t("app.palette.keys_help"), app.action_show_keys))
    items.append(Command(t("app.palette.quit"), t("app.palette.quit_help"), app.action_quit))
    return items


class AppCommands(Provider):
    """Go to a stage, undo, switch language or theme, open the session list, show keys, quit."""

    async def discover(self) -> Hits:
        for command in app_commands(self.app):
            if command.discover:
                yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in app_commands(self.app):
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run,
                          text=command.name, help=command.help)
