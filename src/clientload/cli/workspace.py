"""`clientload init`: a new workspace, its departments from the staff (a file or questions) or
scaled from the company's revenue until the staff are entered."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from clientload.messages import Message

EXPECTED = {"currency": Message("a three-letter code such as USD"),
            "company": Message("a name of 1 to 200 characters, no control characters"),
            "language": Message("ru or en")}
CHECKS = {"currency": r"[A-Z]{3}",
          "company": r"[^\x00-\x1f\x7f]{1,200}",  # TOML allows no control characters
          "language": r"ru|en"}


def init(
    directory: Path = typer.Argument(..., help="Folder of the new workspace."),
    currency: str = typer.Option(
        None, "--currency", help="The company's currency code (RUB, USD, EUR, …); default RUB."
    ),
    company: str = typer.Option(None, "--company", help="The company's name on client letters."),
    language: str = typer.Option(None, "--language", help="ru or en: reports and the workbook."),
    interactive: bool = typer.Option(
        False, "--interactive", help="Ask for the departments, staff, pay, hours and activities."
    ),
    staff: Path = typer.Option(
        None, "--staff", help="A CSV of departments: department, people, cost_per_month, "
        "hours_per_week, practical_share (see examples/staff.csv).", dir_okay=False,
    ),
) -> None:
    """Create a workspace: clientload.toml with documented defaults and an empty store.

    Departments come from the staff (`--staff FILE` or `--interactive`); without them they are
    scaled to the company from its revenue once sales are imported, and every run says so.
    On an existing workspace `--staff`/`--interactive` replace its departments and activities,
    keeping the previous file as a dated copy.
    """
    from clientload.errors import ClientloadError
    from clientload.settings import default_toml_text
    from clientload.workspace import init_workspace

    if interactive and staff is not None:
        raise ClientloadError(Message("give --interactive or --staff, not both"))
    settings_path = directory / "clientload.toml"
    existed = settings_path.exists()
    if existed and (currency or company or language) and not (interactive or staff):
        raise ClientloadError(Message(
            "{path} is already there; edit it instead of --currency, --company or --language",
            path=settings_path,
        ))
    for key, value in (("currency", currency), ("company", company), ("language", language)):
        if value is not None and not re.fullmatch(CHECKS[key], value):
            raise ClientloadError(Message("--{key} {value!r}: expected {expected}", key=key,
                                          value=value, expected=EXPECTED[key]))
    if existed and not (interactive or staff):
        ws = init_workspace(directory)
        _paths(ws, kept=True)
        return
    base = settings_path.read_text("utf-8") if existed else default_toml_text()
    text, lang, notes = _compose(base, interactive, staff, currency, company, language)
    if existed:
        _replace_existing(directory, text)
        ws = init_workspace(directory)
    else:
        ws = init_workspace(directory, text)
    _paths(ws, kept=False)
    for note in notes:
        typer.echo(f"  {note}")
    _summary(ws, lang)


def _compose(base: str, interactive: bool, staff: Path | None, currency: str | None,
             company: str | None, language: str | None) -> tuple[str, str, list[str]]:
    """The settings text and the language of the summary."""
    from clientload.settings import parse_settings
    from clientload.setup.compose import activity_plan, compose_settings

    template = parse_settings(base, "<settings>")
    analysis = {"currency": currency, "company": company, "language": language}
    if interactive:
        from rich.console import Console
        from rich.prompt import Prompt

        from clientload.setup.wizard import ask_settings

        console = Console()
        answers = ask_settings(
            template, lambda q, d: Prompt.ask(q, default=d, console=console),
            lambda line: console.print(line, markup=False),
            language=language, currency=currency, company=company,
        )
        analysis = {"currency": answers.currency, "company": answers.company or None,
                    "language": answers.language}
        if not answers.staff:
            return compose_settings(base, None, None, analysis), answers.language, []
        return (compose_settings(base, answers.staff, answers.activities, analysis),
                answers.language, [])
    if staff is not None:
        from clientload.setup.staff import read_staff

        lines = read_staff(staff, list(template.activities))
        activities, notes = activity_plan(template, lines)
        return compose_settings(base, lines, activities, analysis), language or "en", notes
    return compose_settings(base, None, None, analysis), language or "en", []


def _replace_existing(directory: Path, text: str) -> None:
    """Keep the old file as a dated copy, write the new one, and record the change."""
    import getpass

    from clientload.setup.changes import INIT, keep_copy, save_settings
    from clientload.workspace import init_workspace

    ws = init_workspace(directory)
    copy = keep_copy(ws.settings_path)
    con = ws.connect()
    try:
        save_settings(con, ws.settings_path, text, getpass.getuser(), "init", (INIT, {}))
    finally:
        con.close()
    if copy is not None:
        typer.echo(f"  previous settings kept as {copy}")


def _paths(ws, kept: bool) -> None:
    typer.echo(f"workspace {ws.root}")
    typer.echo(f"  settings {ws.settings_path}" + (" (kept, already there)" if kept else ""))
    typer.echo(f"  store    {ws.store_path}")


def _summary(ws, lang: str) -> None:
    """Each department's cost per minute, or how it will be sized."""
    from rich.console import Console
    from rich.table import Table

    from clientload.i18n import format_money, format_number, format_percent, translator
    from clientload.model.labels import term_label

    _ = translator(lang)
    settings = ws.settings()
    currency = str(settings.section("analysis")["currency"])
    months = float(settings.section("analysis")["cost_period_months"])
    if not all(d.sized for d in settings.departments.values()):
        table = Table(title=_("Departments scaled from revenue"))
        table.add_column(_("Department"))
        table.add_column(_("Cost: share of revenue"), justify="right")
        table.add_column(_("Capacity: load ÷"), justify="right")
        for name, d in settings.departments.items():
            table.add_row(term_label(name, lang, d.label),
                          format_percent(d.revenue_share, lang, 2) if d.revenue_share else "—",
                          format_percent(d.utilisation, lang, 0) if d.utilisation else "—")
        Console().print(table)
        typer.echo(_("The departments are scaled to the company from its revenue until you "
                     "describe the staff (clientload init DIR --staff staff.csv, --interactive, "
                     "or the Setup page); every run says so."))
    else:
        table = Table(title=_("Departments"))
        for header in (_("Department"), _("People"), _("Cost per month"),
                       _("Practical hours a month"), _("Cost per minute")):
            table.add_column(header, justify="left" if header == _("Department") else "right")
        for name, d in settings.departments.items():
            table.add_row(term_label(name, lang, d.label),
                          format_number(d.people, lang, 1) if d.people else "—",
                          format_money(d.cost / months, lang, currency),
                          format_number(d.capacity_minutes / months / 60, lang),
                          format_money(d.cost_per_minute, lang, currency, 2))
        Console().print(table)
    typer.echo(_("next: import the sales: clientload import {root} FILE --table sales")
               .format(root=ws.root))


def register(app: typer.Typer) -> None:
    app.command("init")(init)

