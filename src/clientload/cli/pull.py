"""`clientload pull DIR --from 1c`: sales, clients, products, orders and returns straight from
1С's standard OData interface, only what changed since the last pull (docs/1c.md)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from clientload.errors import ClientloadError
from clientload.messages import Message

PASSWORD_VARIABLE = "CLIENTLOAD_1C_PASSWORD"


def pull_command(
    directory: Annotated[Path, typer.Argument(help="The workspace (made by `clientload init`).")],
    source: Annotated[str, typer.Option("--from", help="The system to pull from: 1c.")] = "1c",
    url: Annotated[str | None, typer.Option(
        "--url", help="The 1С publication, e.g. http://server/trade (or …/odata/standard.odata); "
        "default: the one used last time.")] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help="The 1С user allowed to use the standard OData interface; default: the "
        "one used last time.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help=f"Read the password from standard input (else ${PASSWORD_VARIABLE}"
        ", else it is asked).")] = False,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="ut11 (УТ 11, ERP 2, КА 2), bp30 (Бухгалтерия 3) or a profile TOML "
        "file; default: \\[pull] profile in clientload.toml.")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Read documents dated from this day (YYYY-MM-DD) instead of the whole "
        "history or the last pull's window.")] = None,
    list_objects: Annotated[bool, typer.Option(
        "--list-objects", help="List what the server publishes and which of it the profile reads; "
        "pull nothing.")] = False,
    show_profile: Annotated[str | None, typer.Option(
        "--show-profile", help="Print a built-in profile (ut11, bp30) to copy and edit; pull "
        "nothing.")] = None,
) -> None:
    """Pull what changed in 1С into the workspace; bad rows go to rejects/ as with import."""
    from clientload.workspace import open_workspace

    if source.lower() not in ("1c", "1с"):
        raise ClientloadError(Message("--from {source}: expected 1c", source=source))
    if show_profile:
        from clientload.pull.profile import BUILT_IN, profile_text

        if show_profile not in BUILT_IN:
            raise ClientloadError(Message("--show-profile {show_profile}: expected one of {names}",
                                          show_profile=show_profile, names=", ".join(BUILT_IN)))
        typer.echo(profile_text(show_profile), nl=False)
        return
    ws = open_workspace(directory)
    day = _day(since)
    url, user, chosen = _connection(ws, url, user, profile)
    password = _password(password_stdin)
    if list_objects:
        _list(ws, url, user, password, chosen)
        return
    from clientload.pull import pull_1c

    with _progress() as progress:
        result = pull_1c(ws, url, user, password, profile=chosen, since=day, progress=progress)
    _summary(result)


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ClientloadError(Message("--since {text!r}: expected a date as YYYY-MM-DD",
                                      text=text)) from None


def _connection(ws: Any, url: str | None, user: str | None, profile: str | None
                ) -> tuple[str, str, str | None]:
    """The server, user and profile given, else those of the last pull."""
    if url and user:
        return url, user, profile
    from clientload.pull import state

    con = ws.connect()
    try:
        saved = state.saved_connection(con)
    finally:
        con.close()
    if saved is None:
        missing = [n for n, v in (("--url", url), ("--user", user)) if not v]
        raise ClientloadError(Message("give {missing:join: and }: no earlier pull to take them "
                                      "from", missing=missing))
    return url or saved.url, user or saved.user_name, profile or saved.profile


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if not sys.stdin.isatty():
        raise ClientloadError(Message("no password: pass it on standard input with "
                                      "--password-stdin, or in ${variable}",
                                      variable=PASSWORD_VARIABLE))
    import getpass

    return getpass.getpass("1С password: ")


def _list(ws: Any, url: str, user: str, password: str, profile: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from clientload.pull import list_objects

    options = ws.settings().section("pull")
    published, used = list_objects(url, user, password, profile or str(options["profile"]),
                                   options)
    table = Table(title=f"objects published by {url}")
    table.add_column("object")
    table.add_column("the profile reads it for")
    for name in published:
        table.add_row(name, used.get(name, ""))
    for name in sorted(set(used) - set(published)):
        table.add_row(f"{name} — NOT PUBLISHED", used[name], style="bold red")
    Console().print(table)
    missing = sorted(set(used) - set(published))
    if missing:
        Console().print(f"publish {', '.join(missing)}: Администрирование → Синхронизация данных "
                        "→ «Настройка стандартного интерфейса OData» (docs/1c.md)",
                        highlight=False)


class _Speed:
    """Rich column: the task's units per second (documents or lines)."""

    def __new__(cls) -> Any:
        from rich.progress import ProgressColumn
        from rich.text import Text

        class Speed(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f}/s" if speed else "")

        return Speed()


def _progress() -> Any:
    """A progress bar on stderr with documents and lines per second."""
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar() -> Any:
        console = Console(stderr=True)
        tasks: dict[str, Any] = {}
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      _Speed(), TimeElapsedColumn(), console=console,
                      disable=not console.is_terminal) as progress:

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=max(total, 1))
                progress.update(tasks[stage], completed=done, total=max(total, done, 1))

            yield report

    return bar()


def _summary(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from clientload.cli.lang import cli_language, count, said, texts

    lang = cli_language()
    _ = texts(lang)
    console = Console()
    docs = Table(title=_("pull {id} from {url} ({profile})").format(
        id=result.pull_id, url=result.url, profile=result.profile), show_header=False,
        min_width=40)
    docs.add_column("what")
    docs.add_column("count", justify="right")
    for key in ("new", "changed", "removed", "unchanged", "excluded"):
        docs.add_row(_(f"documents {key}") + (_(" (unposted or marked for deletion)")
                                              if key == "excluded" else ""),
                     count(result.documents[key], lang))
    for key, n in sorted(result.catalog_items.items()):
        docs.add_row(key, count(n, lang))
    docs.add_row(_("rows removed (documents changed or gone)"), count(result.rows_removed, lang))
    seconds = max(result.seconds, 1e-6)
    read = sum(result.documents[k] for k in ("new", "changed", "unchanged", "excluded"))
    docs.add_row(_("documents / lines per second"),
                 f"{count(read / seconds, lang)} / {count(result.lines / seconds, lang)}")
    docs.add_row(_("requests (retried)"),
                 f"{count(result.requests, lang)} ({count(result.retried, lang)})")
    console.print(docs)
    rows = Table(title=_("rows"), min_width=40)
    for column in ("table", "read", "loaded", "rejected", "replaced (same key)"):
        rows.add_column(_(column), justify="left" if column == "table" else "right")
    for table, r in result.tables.items():
        rows.add_row(table, count(r.rows_read, lang), count(r.rows_loaded, lang),
                     count(r.rows_rejected, lang), count(r.rows_replaced, lang))
    console.print(rows)
    for note in result.notes + [n for r in result.tables.values() for n in r.notes]:
        console.print(_("note: {note}").format(note=said(note, lang)), markup=False,
                      highlight=False)
    for path in result.rejects:
        console.print(_("rejected rows and reasons: {path}").format(path=path), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("pull")(pull_command)
