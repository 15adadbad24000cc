"""The ``facilitator`` command: the app, and the commands LAN's own scripts call.

Exit status: 0 on success, 1 when the command could not do its work (a missing, damaged or
locked file, bad input), 2 for a command line that does not parse. Errors are one line on
stderr in the user's language, never a traceback.

Command names, options, exit codes and the JSON of ``stats --json`` are a contract with LAN's
scripts: add to them freely, never change them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date as Date
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

from facilitator import __version__, i18n
from facilitator.core.errors import FacilitatorError
from facilitator.i18n import t
from facilitator.settings import Settings, load_saved, sessions_dir

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

DEMO_NAME = "demo.json"

# argparse writes some words of its own ("usage:", "options", its error sentences). They are
# looked up through gettext at call time, so routing that lookup through the locale files makes
# the whole help and every usage error read in the user's language.
_ARGPARSE_KEYS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "expected one argument": "cli.argparse.expected_one",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "show program's version number and exit": "cli.argparse.version",
}


def _argparse_gettext(message: str) -> str:
    key = _ARGPARSE_KEYS.get(message)
    return t(key) if key else message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line in the user's language, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"facilitator: {message}\n")


def _pre_scan_language(argv: Sequence[str]) -> str:
    """The language for this run, known before the parser is built (its help must be in it):
    ``--lang``, else ``FACILITATOR_LANG``, else the language saved in the sessions folder."""
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    env = i18n.language_from_env()
    if env:
        return env
    folder = None
    for n, arg in enumerate(argv):
        if arg == "--dir" and n + 1 < len(argv):
            folder = argv[n + 1]
        elif arg.startswith("--dir="):
            folder = arg.split("=", 1)[1]
    return load_saved(sessions_dir(folder)).get("lang", i18n.DEFAULT_LANGUAGE)


def _valid_date(text: str) -> str:
    try:
        return Date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> NoReturn:
    raise argparse.ArgumentTypeError(t("cli.bad_date", value=text))


def build_parser() -> argparse.ArgumentParser:
    """The command line, in the current language."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=i18n.LANGUAGES, help=t("cli.opt.lang"))
    common.add_argument("--dir", metavar="DIR", help=t("cli.opt.dir"))

    parser = _Parser(prog="facilitator", description=t("cli.description"), parents=[common],
                     epilog=t("cli.epilog"))
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}",
                        help=t("cli.argparse.version"))
    commands = parser.add_subparsers(dest="command", metavar=t("cli.command_metavar"),
                                     title=t("cli.commands_title"), parser_class=_Parser)

    demo = commands.add_parser("demo", parents=[common], help=t("cli.demo.help"),
                               description=t("cli.demo.description"))
    demo.add_argument("--out", metavar="PATH", help=t("cli.demo.out"))

    open_ = commands.add_parser("open", parents=[common], help=t("cli.open.help"),
                                description=t("cli.open.description"))
    open_.add_argument("path", metavar="PATH", help=t("cli.arg.path"))
    open_.add_argument("--read-only", action="store_true", help=t("cli.open.read_only"))

    new = commands.add_parser("new", parents=[common], help=t("cli.new.help"),
                              description=t("cli.new.description"))
    new.add_argument("path", metavar="PATH", help=t("cli.new.path"))
    new.add_argument("--region", metavar="NAME", help=t("cli.new.region"))
    new.add_argument("--from", dest="from_export", metavar="EXPORT", help=t("cli.new.from"))
    new.add_argument("--date", type=_valid_date, default=None, metavar="YYYY-MM-DD",
                     help=t("cli.new.date"))
    new.add_argument("--template", metavar="FILE", help=t("cli.new.template"))
    new.add_argument("--open", action="store_true", dest="open_after", help=t("cli.new.open"))

    stats = commands.add_parser("stats", parents=[common], help=t("cli.stats.help"),
                                description=t("cli.stats.description"))
    stats.add_argument("path", metavar="PATH", help=t("cli.arg.path"))
    stats.add_argument("--json", action="store_true", help=t("cli.stats.json"))

    imp = commands.add_parser("import", parents=[common], help=t("cli.import.help"),
                              description=t("cli.import.description"))
    imp.add_argument("path", metavar="PATH", help=t("cli.arg.path"))
    imp.add_argument("file", metavar="FILE", help=t("cli.import.file"))
    imp.add_argument("--what", choices=("ideas", "problems", "units", "participants"),
                     default="ideas", help=t("cli.import.what"))
    imp.add_argument("--dry-run", action="store_true", help=t("cli.import.dry_run"))
    imp.add_argument("--json", action="store_true", help=t("cli.import.json"))

    export = commands.add_parser("export", parents=[common], help=t("cli.export.help"),
                                 description=t("cli.export.description"))
    export.add_argument("path", metavar="PATH", help=t("cli.arg.path"))
    export.add_argument("--format", required=True, metavar="FORMAT", dest="fmt",
                        help=t("cli.export.format"))
    export.add_argument("--out", required=True, metavar="DIR", help=t("cli.export.out"))

    merge = commands.add_parser("merge", parents=[common], help=t("cli.merge.help"),
                                description=t("cli.merge.description"))
    merge.add_argument("inputs", nargs="+", metavar="FILE", help=t("cli.merge.inputs"))
    merge.add_argument("--out", required=True, metavar="PATH", help=t("cli.merge.out"))
    merge.add_argument("--allow-broken", action="store_true", help=t("cli.merge.allow_broken"))
    merge.add_argument("--json", action="store_true", help=t("cli.merge.json"))

    verify = commands.add_parser("verify", parents=[common], help=t("cli.verify.help"),
                                 description=t("cli.verify.description"))
    verify.add_argument("path", metavar="PATH", help=t("cli.arg.path"))
    verify.add_argument("--json", action="store_true", help=t("cli.verify.json"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(_pre_scan_language(argv))
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.lang:
        i18n.set_language(args.lang)
    saved = load_saved(sessions_dir(args.dir))
    settings = Settings(sessions_dir=sessions_dir(args.dir), lang=i18n.language(),
                        theme=saved.get("theme", "textual-dark"))
    handler = COMMANDS.get(args.command or "", cmd_picker)
    try:
        return handler(args, settings)
    except FacilitatorError as exc:
        return fail(exc.message())
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        return fail(t("cli.os_error", path=exc.filename or "", reason=exc.strerror or str(exc)))
    except Exception as exc:  # a bug, not a user error: still one line, details on request
        if os.environ.get("FACILITATOR_DEBUG"):
            raise
        return fail(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"))


def fail(message: str) -> int:
    """Print a one-line error on stderr; the exit status for it."""
    print(f"facilitator: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_ERROR


def say(message: str) -> None:
    print(message)


# -- commands -------------------------------------------------------------------------------


def cmd_picker(args: argparse.Namespace, settings: Settings) -> int:
    return run_app(settings, None)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator import demo
    from facilitator.store import in_use

    if args.out:
        target = Path(args.out)
        if target.exists():
            return fail(t("error.exists", path=str(target)))
        demo.write_demo(target)
        say(t("cli.demo.written", path=str(target)))
        return EXIT_OK
    target = settings.sessions_dir / DEMO_NAME
    if in_use(target):
        # Another copy of the app is showing the demo: a fresh copy must not pull the file
        # from under it. Open the same file read-only instead.
        return open_and_run(settings, target, readonly=True)
    demo.write_demo(target)
    return open_and_run(settings, target)


def cmd_open(args: argparse.Namespace, settings: Settings) -> int:
    return open_and_run(settings, Path(args.path), readonly=args.read_only)


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.session import Session

    path = Path(args.path)
    if args.from_export:
        session = _session_from_export(path, Path(args.from_export))
        region = session.lab.region
    else:
        from facilitator.core.template import load_template

        region = " ".join((args.region or "").split())
        if not region:
            return fail(t("cli.new.region_empty"))
        template = load_template(args.template) if args.template else None
        session = Session.create(path, region=region, date=args.date or "", template=template)
    if not args.open_after:
        session.close()
        say(t("cli.new.created", path=str(path), region=region))
        return EXIT_OK
    return run_app(settings, session)


def _session_from_export(path: Path, source: Path) -> Any:
    """A session made again from a ``json`` or ``yaml`` export (or a bundle holding one)."""
    from facilitator.core.session import Session
    from facilitator.export import load_export
    from facilitator.store import Store

    return Session(Store.create(path, load_export(source)))


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.session import Session
    from facilitator.core.stats import stats

    session = Session.open(Path(args.path), readonly=True)
    try:
        figures = stats(session)
    finally:
        session.close()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return EXIT_OK
    say(t("cli.stats.title", region=figures["region"], date=figures["date"] or "-",
          stage=t(f"stage.{figures['stage']}")))
    for key in ("ideas", "opds", "participants", "problems", "selected", "plans", "commitments"):
        say(f"  {t(f'cli.stats.{key}')}: {i18n.integer(figures[key])}")
    if figures["funnel"]:
        say(f"  {t('cli.stats.funnel')}:")
        for step in figures["funnel"]:
            say(f"    {step['name']}: {step['in']} → {step['out']}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.seal import verify
    from facilitator.core.session import Session

    session = Session.open(Path(args.path), readonly=True)
    try:
        problems = verify(session)
        sealed = len(session.sealed())
    finally:
        session.close()
    if args.json:
        print(json.dumps({"ok": not problems, "sealed": sealed, "problems": problems},
                         ensure_ascii=False))
    elif not problems:
        say(t("cli.verify.ok", count=sealed))
    else:
        for problem in problems:
            print(t(f"cli.verify.{problem['problem']}", id=problem["id"],
                    name=problem["name"] or "-"), file=sys.stderr)
    return EXIT_OK if not problems else EXIT_ERROR


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.importer import apply_import, plan_import
    from facilitator.core.session import Session

    session = Session.open(Path(args.path), readonly=args.dry_run)
    try:
        if session.readonly and not args.dry_run:
            return fail(t("error.locked", path=args.path))
        plan = plan_import(session, args.file, args.what)
        if not args.dry_run:
            apply_import(session, plan)
    finally:
        session.close()
    if args.json:
        print(json.dumps(dict(plan.summary(), written=not args.dry_run), ensure_ascii=False))
        return EXIT_OK
    say(t("cli.import.done" if not args.dry_run else "cli.import.would", added=plan.added,
          what=t(f"cli.import.what_{plan.what}"), rows=plan.rows, file=args.file))
    if plan.new_units:
        say(t("cli.import.new_units", count=len(plan.new_units),
              names=", ".join(plan.new_units)))
    for issue in plan.skipped:
        say(t("cli.import.skipped", row=issue.row, why=t(f"import.{issue.code}",
                                                          text=issue.text)))
    for issue in plan.duplicates:
        say(t("cli.import.duplicate", row=issue.row, text=issue.text))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.session import Session
    from facilitator.export import export, format_names

    if args.fmt not in format_names():
        return fail(t("error.export_format", format=args.fmt) + " "
                    + t("cli.export.known", names=", ".join(format_names())))
    session = Session.open(Path(args.path), readonly=True)
    try:
        written = export(session, args.fmt, Path(args.out))
    finally:
        session.close()
    for path in written:
        say(str(path))
    return EXIT_OK


def cmd_merge(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.core.merge import merge_files

    out = Path(args.out)
    if out.exists():
        return fail(t("error.exists", path=str(out)))
    if len(args.inputs) < 2:
        return fail(t("cli.merge.need_two"))
    report = merge_files(args.inputs, out, allow_broken=args.allow_broken)
    written = out.exists()
    if args.json:
        print(json.dumps(dict(report.summary(), written=written, out=str(out)),
                         ensure_ascii=False))
    else:
        if written:
            say(t("cli.merge.done", count=len(args.inputs), records=report.records,
                  path=str(out)))
        for conflict in report.conflicts:
            say(t("cli.merge.conflict", table=conflict["table"], id=conflict["id"],
                  kept=", ".join(conflict["kept"]) or "-",
                  dropped=", ".join(conflict["dropped"]) or "-"))
        for broken in report.broken:
            print(t("cli.merge.broken", file=broken.get("file", ""), id=broken["id"],
                    name=broken["name"] or "-", problem=t(f"cli.merge.problem_{broken['problem']}")),
                  file=sys.stderr)
    if not written:
        return fail(t("cli.merge.refused"))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "demo": cmd_demo,
    "open": cmd_open,
    "new": cmd_new,
    "stats": cmd_stats,
    "verify": cmd_verify,
    "import": cmd_import,
    "export": cmd_export,
    "merge": cmd_merge,
}


# -- the app --------------------------------------------------------------------------------


def open_and_run(settings: Settings, path: Path, readonly: bool = False) -> int:
    from facilitator.core.session import Session

    session = Session.open(path, readonly=readonly)
    return run_app(settings, session)


def run_app(settings: Settings, session: Any) -> int:
    """Start the app (on a session, or at the picker) and close the session afterwards."""
    try:
        from facilitator.app import FacilitatorApp

        app = FacilitatorApp(settings, session=session)
        app.run()
        return app.return_code or EXIT_OK
    finally:
        if session is not None:
            session.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
