"""The command palette's commands (ctrl+p): what the screen on show can do, then what the app
can do from anywhere.

A screen's commands are the bindings that work on it now (its own, and those of the widget
with focus and its containers) that have an id and a description (the description is the
command's name, in the current language; see ``screens/base.py``): a screen's actions reach the
palette by being given keys, and run as if the key was pressed.
"""

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


def screen_commands(screen: Any) -> list[Command]:
    """What can be done on ``screen`` now with a key: the keyed actions of the widget with
    focus and of its containers up to the screen itself, each once, those possible now.

    Unlike the footer, keys a text field would take as typing are offered too: the palette
    runs the action without the key. The keys every stage screen shares (stages, undo) and the
    app's own keys are the app's commands, offered by :func:`app_commands`.
    """
    from facilitator.app.screens.base import StageScreen

    app = screen.app
    seen = {binding.id for binding in StageScreen.BINDINGS}
    items: list[Command] = []
    holders = screen.focused.ancestors_with_self if screen.focused is not None else [screen]
    for node in holders:
        if node is app:
            break
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if (not binding.id or not binding.description or binding.system
                        or binding.id in seen):
                    continue
                seen.add(binding.id)
                # Textual's own test (the node's check_action, in the action's namespace).
                possible = getattr(app, "_check_action_state", None)
                if possible is not None and possible(binding.action, node) is not True:
                    continue  # not possible now (the footer shows it disabled, or not at all)
                # As the key would: the action runs on the widget (or screen) holding the key.
                items.append(Command(binding.description,
                                     t("app.palette.screen_help", key=app.get_key_display(binding)),
                                     partial(app.run_action, binding.action, node)))
    return items


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
    """The screen's own actions; go to a stage, undo, switch language or theme, open the session
    list, show keys, quit."""

    def commands(self) -> list[Command]:
        """Everything the palette offers now, the screen's own actions first."""
        return [*screen_commands(self.screen), *app_commands(self.app)]

    async def discover(self) -> Hits:
        for command in self.commands():
            if command.discover:
                yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run,
                          text=command.name, help=command.help)
