"""`clientload parity ...`: the profitability parity calculators.

Thin edge over `clientload.parity`: parse fractions ('0.3', '30%', '30 %'), call the pure
functions, print one JSON object (`--json`) or a Rich table with the explanation. Only `parity
client` reads files (pyarrow, imported lazily); the rest start without any data library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypedDict

import typer

parity_app = typer.Typer(
    name="parity",
    help="Profitability parity: what to ask for a discount, and the largest discount that pays.",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON object instead of a table.")
LANG_OPTION = typer.Option(
    None, "--lang", help="Language of the explanation: en or ru (default: CLIENTLOAD_LANG, else "
    "the locale, else en)."
)
FIXED_COST_OPTION = typer.Option("0", "--fixed-cost", help="Extra fixed cost of the move (money).")
REVENUE_OPTION = typer.Option(None, "--revenue", help="Today's revenue, needed with --fixed-cost.")
ELASTICITY_OPTION = typer.Option(
    None, "--elasticity", help="Price elasticity (magnitude), e.g. 2."
)

LABELS: dict[str, tuple[str, str]] = {
    "margin": ("Margin", "Маржа"),
    "discount": ("Discount", "Скидка"),
    "increase": ("Price increase", "Повышение цены"),
    "required_volume_change": ("Required volume change", "Нужный рост объёма"),
    "required_revenue_change": ("Revenue change at the new price", "Изменение выручки"),
    "expected_volume_change": ("Expected volume change", "Ожидаемое изменение объёма"),
    "max_discount": ("Largest discount", "Наибольшая скидка"),
    "volume_change": ("Volume change", "Изменение объёма"),
    "revenue_change": ("Revenue change", "Изменение выручки"),
    "max_volume_loss": ("Tolerated volume loss", "Допустимая потеря объёма"),
    "attainment": ("Plan attainment", "Выполнение плана"),
    "nominal_annual_rate": ("Nominal annual rate", "Номинальная годовая ставка"),
    "effective_annual_rate": ("Effective annual rate", "Эффективная годовая ставка"),
    "profit": ("Profit", "Прибыль"),
    "plan_unit": ("Plan in", "План в"),
    "benchmark": ("Benchmark profit", "Сравнение с прибылью"),
    "discount_days": ("Discount days", "Дней для скидки"),
    "net_days": ("Net days", "Срок оплаты, дней"),
    "Break-even volume": ("Break-even volume", "Безубыточный объём"),
    "Largest discount for a volume change": (
        "Largest discount for a volume change",
        "Наибольшая скидка за рост объёма",
    ),
    "Price increase": ("Price increase", "Повышение цены"),
    "Discount to reach the plan": ("Discount to reach the plan", "Скидка для выполнения плана"),
    "Cash discount as an interest rate": (
        "Cash discount as an interest rate",
        "Скидка за оплату как процентная ставка",
    ),
}
PERCENT_KEYS = {
    "margin", "discount", "increase", "required_volume_change", "required_revenue_change",
    "expected_volume_change", "max_discount", "volume_change", "revenue_change",
    "max_volume_loss", "attainment", "nominal_annual_rate", "effective_annual_rate",
}  # fmt: skip


def _lang(lang: str | None) -> str:
    """`--lang` if given, else the command line's language (`clientload.cli.lang`)."""
    from clientload.errors import ClientloadError

    if lang is None:
        from clientload.cli.lang import cli_language

        return cli_language()
    if lang not in ("en", "ru"):
        from clientload.messages import Message

        raise ClientloadError(Message("--lang is {lang!r}; expected en or ru", lang=lang))
    return lang


def _fraction(text: str | None, argument: str) -> float | None:
    from clientload.parity.checks import parse_fraction

    return None if text is None else parse_fraction(text, argument)


def _amount(text: str | None, argument: str) -> float | None:
    from clientload.parity.checks import parse_amount

    return None if text is None else parse_amount(text, argument)


def _emit(result: Any, lang: str, as_json: bool, keys: tuple[str, ...], title: str) -> None:
    """One JSON object, or a two-column table of `keys` followed by the explanation."""
    from clientload.parity.report import plain

    data = plain(result, lang)
    if as_json:
        _print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    from clientload.parity.text import pct

    table = Table(title=LABELS.get(title, (title, title))[lang == "ru"], show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key in keys:
        value = data.get(key)
        if value is None:
            shown = "—"
        elif key in PERCENT_KEYS:
            shown = pct(value, lang, 2)
        else:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
        table.add_row(LABELS.get(key, (key, key))[lang == "ru"], shown)
    from rich.markup import escape

    console = Console()
    console.print(table)
    console.print(escape(result.explanation.text(lang)))


def _print_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _FixedCostTerms(TypedDict):
    incremental_fixed_cost: float
    revenue: float | None


def _fixed_cost_terms(fixed_cost: str, revenue: str | None) -> _FixedCostTerms:
    """`--fixed-cost` and `--revenue` as the keyword arguments the break-even functions take."""
    return {
        "incremental_fixed_cost": _amount(fixed_cost, "--fixed-cost") or 0.0,
        "revenue": _amount(revenue, "--revenue"),
    }


@parity_app.command("volume")
def volume(
    margin: str = typer.Option(..., "--margin", help="Contribution margin, e.g. 30% or 0.3."),
    discount: str = typer.Option(..., "--discount", help="Discount off today's price, e.g. 10%."),
    fixed_cost: str = FIXED_COST_OPTION,
    revenue: str = REVENUE_OPTION,
    elasticity: str = ELASTICITY_OPTION,
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Volume growth a discount needs to keep profit: d / (m − d)."""
    from clientload.parity import break_even_volume

    result = break_even_volume(
        _fraction(margin, "--margin"),  # type: ignore[arg-type]
        _fraction(discount, "--discount"),  # type: ignore[arg-type]
        **_fixed_cost_terms(fixed_cost, revenue),
        elasticity=_amount(elasticity, "--elasticity"),
    )
    keys: tuple[str, ...] = (
        "margin", "discount", "required_volume_change", "required_revenue_change"
    )
    if result.elasticity is not None:
        keys += ("expected_volume_change",)
    _emit(result, _lang(lang), as_json, keys, "Break-even volume")


@parity_app.command("max-discount")
def max_discount(
    margin: str = typer.Option(..., "--margin", help="Contribution margin, e.g. 30%."),
    volume_change: str = typer.Option(..., "--volume-change", help="Volume change, e.g. 25%."),
    fixed_cost: str = FIXED_COST_OPTION,
    revenue: str = REVENUE_OPTION,
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Largest discount that a volume change pays for: m·u / (1 + u)."""
    from clientload.parity import max_discount_for_volume

    result = max_discount_for_volume(
        _fraction(margin, "--margin"),  # type: ignore[arg-type]
        _fraction(volume_change, "--volume-change"),  # type: ignore[arg-type]
        **_fixed_cost_terms(fixed_cost, revenue),
    )
    keys = ("margin", "volume_change", "max_discount", "revenue_change")
    _emit(result, _lang(lang), as_json, keys, "Largest discount for a volume change")


@parity_app.command("price-increase")
def price_increase(
    margin: str = typer.Option(..., "--margin", help="Contribution margin, e.g. 30%."),
    increase: str = typer.Option(..., "--increase", help="Price increase, e.g. 5%."),
    fixed_cost: str = FIXED_COST_OPTION,
    revenue: str = REVENUE_OPTION,
    elasticity: str = ELASTICITY_OPTION,
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Volume a price increase may lose and still keep profit: i / (m + i)."""
    from clientload.parity import price_increase_volume_loss

    result = price_increase_volume_loss(
        _fraction(margin, "--margin"),  # type: ignore[arg-type]
        _fraction(increase, "--increase"),  # type: ignore[arg-type]
        **_fixed_cost_terms(fixed_cost, revenue),
        elasticity=_amount(elasticity, "--elasticity"),
    )
    keys: tuple[str, ...] = ("margin", "increase", "max_volume_loss", "revenue_change")
    if result.elasticity is not None:
        keys += ("expected_volume_change",)
    _emit(result, _lang(lang), as_json, keys, "Price increase")


@parity_app.command("plan")
def plan(
    directory: Annotated[
        Path | None,
        typer.Argument(help="The workspace; with --by-manager, its plans table and sales."),
    ] = None,
    margin: str = typer.Option(None, "--margin", help="Contribution margin, e.g. 30%."),
    attainment: str = typer.Option(None, "--attainment", help="Share of plan reached, e.g. 80%."),
    plan_unit: str = typer.Option(
        None, "--plan-unit", help="quantity or revenue (with --by-manager: revenue where planned)."
    ),
    benchmark: str = typer.Option("today", "--benchmark", help="today or plan gross profit."),
    extra_cost: str = typer.Option(
        "0",
        "--extra-cost-to-serve",
        help="Cost to serve of the extra volume, share of its revenue.",
    ),
    by_manager: bool = typer.Option(
        False, "--by-manager", help="Each manager from the plans table and actual sales in DIR."
    ),
    period: str = typer.Option(
        None, "--period", help="With --by-manager: months YYYY-MM:YYYY-MM (default: plans ∩ sales)."
    ),
    margin_source: str = typer.Option(
        "gross",
        "--margin-source",
        help="With --by-manager: gross (sales) or contribution (the model's client_metrics).",
    ),
    cost_to_serve: bool = typer.Option(
        False,
        "--cost-to-serve",
        help="With --by-manager: the extra orders cost the manager's clients' cost per order.",
    ),
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Task 2: the largest discount that reaches 100% of plan without losing profit."""
    from clientload.errors import ClientloadError
    from clientload.messages import Message

    if by_manager:
        if directory is None:
            raise ClientloadError(Message(
                "--by-manager needs the workspace folder: parity plan DIR --by-manager"
            ))
        _plan_by_manager(
            directory, period, benchmark, plan_unit, margin_source, cost_to_serve, _lang(lang),
            as_json,
        )  # fmt: skip
        return
    for value, argument in ((margin, "--margin"), (attainment, "--attainment"),
                            (plan_unit, "--plan-unit")):  # fmt: skip
        if value is None:
            raise ClientloadError(
                Message("{argument} is missing (or give DIR --by-manager)", argument=argument))
    from clientload.parity import plan_max_discount

    result = plan_max_discount(
        _fraction(margin, "--margin"),  # type: ignore[arg-type]
        _fraction(attainment, "--attainment"),  # type: ignore[arg-type]
        plan_unit,  # type: ignore[arg-type]
        benchmark,  # type: ignore[arg-type]
        extra_cost_to_serve_rate=_fraction(extra_cost, "--extra-cost-to-serve") or 0.0,
    )
    keys = ("margin", "attainment", "plan_unit", "benchmark", "max_discount")
    _emit(result, _lang(lang), as_json, keys, "Discount to reach the plan")


@parity_app.command("activation")
def activation(
    directory: Annotated[Path, typer.Argument(help="The workspace, after `clientload run`.")],
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Sales activation: freed capacity as revenue, and the discount it can fund."""
    from clientload.parity.activation import activation_funding
    from clientload.parity.report import plain
    from clientload.parity.store import load_activation
    from clientload.parity.views import activation_table

    lang = _lang(lang)
    departments, price_driven_revenue, margin_rate = load_activation(directory)
    result = activation_funding(
        departments, price_driven_revenue=price_driven_revenue, gross_margin_rate=margin_rate
    )
    if as_json:
        _print_json(plain(result, lang))
        return
    _print_with_explanation(activation_table(result, lang), result.explanation.text(lang))


def _plan_by_manager(
    directory: Path, period: str | None, benchmark: str, plan_unit: str | None,
    margin_source: str, cost_to_serve: bool, lang: str, as_json: bool,
) -> None:  # fmt: skip
    """Task 2 for each manager of the plans table: one JSON object with `rows`, or a table."""
    from clientload.errors import ClientloadError
    from clientload.messages import Message
    from clientload.parity.managers import manager_plan_discount
    from clientload.parity.report import plain
    from clientload.parity.store import load_manager_figures, parse_period
    from clientload.parity.views import managers_table

    if plan_unit not in (None, "quantity", "revenue"):
        raise ClientloadError(Message("--plan-unit is {plan_unit!r}; expected quantity or revenue",
                                      plan_unit=plan_unit))
    (start, end), figures = load_manager_figures(directory, parse_period(period))
    rows = [
        manager_plan_discount(
            f, benchmark=benchmark, plan_unit=plan_unit, margin_source=margin_source,  # type: ignore[arg-type]
            with_cost_to_serve=cost_to_serve,
        )
        for f in figures
    ]  # fmt: skip
    if as_json:
        _print_json({"period": f"{start}:{end}", "benchmark": benchmark,
                     "margin_source": margin_source, "rows": plain(rows, lang)})  # fmt: skip
        return
    _print_with_explanation(
        managers_table(rows, f"{start}:{end}", lang),
        "\n".join(r.explanation.text(lang) for r in rows),
    )


def _print_with_explanation(table: Any, text: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(table)
    console.print(escape(text))


@parity_app.command("cash-discount")
def cash_discount(
    discount: str = typer.Option(..., "--discount", help="Cash discount, e.g. 2%."),
    discount_days: str = typer.Option(..., "--discount-days", help="Days to earn it, e.g. 10."),
    net_days: str = typer.Option(..., "--net-days", help="Net payment term in days, e.g. 30."),
    cost_of_capital: str = typer.Option(None, "--cost-of-capital", help="Compare with, e.g. 16%."),
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Cash discount "d/D net N" as an annual rate (2/10 net 30 → 37.24% nominal)."""
    from clientload.parity import cash_discount_rates

    result = cash_discount_rates(
        _fraction(discount, "--discount"),  # type: ignore[arg-type]
        _amount(discount_days, "--discount-days"),  # type: ignore[arg-type]
        _amount(net_days, "--net-days"),  # type: ignore[arg-type]
        cost_of_capital=_fraction(cost_of_capital, "--cost-of-capital"),
    )
    keys = ("discount", "discount_days", "net_days", "nominal_annual_rate", "effective_annual_rate")
    _emit(result, _lang(lang), as_json, keys, "Cash discount as an interest rate")


@parity_app.command("leverage")
def leverage(
    revenue: str = typer.Option(..., "--revenue", help="Revenue of the period."),
    variable_costs: str = typer.Option(..., "--variable-costs", help="Costs that follow volume."),
    fixed_costs: str = typer.Option(..., "--fixed-costs", help="Costs that do not."),
    step: str = typer.Option("1%", "--step", help="Improvement of each driver, default 1%."),
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Profit leverage: what 1% in price, volume, variable and fixed cost does to profit."""
    from clientload.parity import profit_leverage

    lang = _lang(lang)
    result = profit_leverage(
        _amount(revenue, "--revenue"),  # type: ignore[arg-type]
        _amount(variable_costs, "--variable-costs"),  # type: ignore[arg-type]
        _amount(fixed_costs, "--fixed-costs"),  # type: ignore[arg-type]
        step=_fraction(step, "--step"),  # type: ignore[arg-type]
    )
    if as_json:
        from clientload.parity.report import plain

        _print_json(plain(result, lang))
        return
    from rich.console import Console
    from rich.table import Table

    from clientload.parity.leverage import LEVER_NAMES
    from clientload.parity.text import money, signed_pct

    ru = lang == "ru"
    table = Table(title="Прибыльные рычаги" if ru else "Profit leverage")
    table.add_column("Фактор" if ru else "Driver")
    table.add_column("Прибыль, деньги" if ru else "Profit change", justify="right")
    table.add_column("Прибыль, %" if ru else "Profit change, %", justify="right")
    for lever in result.levers:
        rate = lever.profit_change_rate
        table.add_row(
            LEVER_NAMES[lever.driver][ru],
            money(lever.profit_change, lang),
            "—" if rate is None else signed_pct(rate, lang),
        )
    Console().print(table)
    Console().print(result.explanation.text(lang))


@parity_app.command("grid")
def grid(
    margins: str = typer.Option(None, "--margins", help="Margins, e.g. 20%,30%,40%."),
    discounts: str = typer.Option(None, "--discounts", help="Discounts, e.g. 5%,10%,15%."),
    increases: str = typer.Option(
        None, "--increases", help="Also the price-increase table for these increases, e.g. 5%,10%."
    ),
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Tables to print: required volume change for margins × discounts (and price increases)."""
    from clientload.parity.breakeven import (
        DEFAULT_GRID_DISCOUNTS,
        DEFAULT_GRID_MARGINS,
        discount_grid,
        price_increase_table,
    )
    from clientload.parity.checks import parse_fractions
    from clientload.parity.report import grid_rows

    lang = _lang(lang)
    margin_list = parse_fractions(margins, "--margins") if margins else DEFAULT_GRID_MARGINS
    discount_list = (
        parse_fractions(discounts, "--discounts") if discounts else DEFAULT_GRID_DISCOUNTS
    )
    rows = discount_grid(margin_list, discount_list)
    increase_rows = (
        price_increase_table(margin_list, parse_fractions(increases, "--increases"))
        if increases
        else None
    )
    if as_json:
        data: dict[str, Any] = {
            "margins": list(margin_list),
            "discounts": list(discount_list),
            "rows": grid_rows(rows, "discount", "required_volume_change", lang),
        }
        if increase_rows is not None:
            data["price_increase_rows"] = grid_rows(
                increase_rows, "increase", "max_volume_loss", lang
            )
        _print_json(data)
        return
    from rich.console import Console

    ru = lang == "ru"
    console = Console()
    console.print(
        _grid_table(
            rows,
            lang,
            "Нужный рост объёма: маржа × скидка"
            if ru
            else "Required volume change: margin × discount",
            "маржа \\ скидка" if ru else "margin \\ discount",
        )
    )
    console.print(
        "Прочерк: скидка не меньше маржи, никакой объём не вернёт прибыль."
        if ru
        else "A dash: the discount is at or above the margin; no volume brings the profit back."
    )
    if increase_rows is not None:
        console.print(
            _grid_table(
                increase_rows,
                lang,
                "Допустимая потеря объёма: маржа × повышение цены"
                if ru
                else "Tolerated volume loss: margin × price increase",
                "маржа \\ повышение" if ru else "margin \\ increase",
            )
        )


def _grid_table(rows: Any, lang: str, title: str, corner: str) -> Any:
    from rich.table import Table

    from clientload.parity.text import pct

    table = Table(title=title)
    table.add_column(corner, style="bold")
    for cell in rows[0].cells if rows else ():
        table.add_column(pct(cell.price_change, lang), justify="right")
    for row in rows:
        table.add_row(
            pct(row.margin, lang, 0),
            *("—" if c.value is None else pct(c.value, lang) for c in row.cells),
        )
    return table


@parity_app.command("client")
def client(
    directory: Annotated[Path, typer.Argument(help="The workspace, after `clientload run`.")],
    client_id: Annotated[str, typer.Argument(help="The client's id as in client_metrics.")],
    discount: str = typer.Option(..., "--discount", help="The discount it asks for, e.g. 3%."),
    proposal: str = typer.Option(
        None,
        "--with",
        help="Check a deal, e.g. volume=10%,orders=6,pickup=50%,payment_terms=10,mix:Tools=5000.",
    ),
    as_json: bool = JSON_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Task 1: what to ask a client in return for a discount; each option alone keeps its profit."""
    from clientload.parity import check_combination, give_get_menu, parse_proposal
    from clientload.parity.checks import parse_fraction
    from clientload.parity.from_workspace import load_client_figures
    from clientload.parity.menu import discount_cost
    from clientload.parity.report import plain

    lang = _lang(lang)
    d = parse_fraction(discount, "--discount")  # a required option: never None
    figures = load_client_figures(directory, client_id)
    options = give_get_menu(figures, d)
    check = check_combination(figures, d, parse_proposal(proposal)) if proposal else None
    if as_json:
        data = {
            "client_id": figures.client_id,
            "name": figures.name,
            "discount": d,
            "discount_cost": discount_cost(figures, d),
            "contribution": figures.contribution,
            "months": figures.months,
            "currency": figures.currency,
            "options": plain(options, lang),
            "feasible": any(o.feasible for o in options),
        }
        if not data["feasible"]:
            data["reason"] = _no_option_reason(d, lang)
        if check is not None:
            data["check"] = plain(check, lang)
        _print_json(data)
        return
    _print_client(figures, d, options, check, lang)


def _no_option_reason(d: float, lang: str) -> str:
    """Why the menu has no answer: the contract's `reason` next to `feasible: false`."""
    from clientload.parity.text import pct

    if lang == "ru":
        return (
            f"Ни одна уступка по отдельности не возвращает вклад клиента при скидке "
            f"{pct(d, 'ru')} (причина у каждой — в options); нужна меньшая скидка или "
            "несколько уступок вместе (--with)."
        )
    return (
        f"No option alone restores this client's contribution after a {pct(d)} discount (each "
        "option's reason is in options); a smaller discount, or several together (--with), may."
    )


KIND_LABELS = {
    "volume": ("more volume", "больше объёма"),
    "orders": ("fewer, larger orders", "реже и крупнее заказы"),
    "changes": ("fewer order changes", "меньше правок заказов"),
    "urgent": ("fewer urgent orders", "меньше срочных заказов"),
    "portal": ("portal / web shop", "портал / интернет-магазин"),
    "pickup": ("pickup", "самовывоз"),
    "payment_terms": ("shorter payment terms", "короче отсрочка"),
    "prepayment": ("prepayment", "предоплата"),
    "mix": ("new category", "новая категория"),
}


def with_value(option: Any) -> str:
    """The option as the user types it back in `--with` (points, no thousands separators)."""
    if option.unit in ("fraction", "share"):
        return f"{option.key}={option.required * 100:.2f}%"
    return f"{option.key}={option.required:.2f}"


def _print_client(figures: Any, d: float, options: list[Any], check: Any, lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from clientload.parity.menu import discount_cost
    from clientload.parity.text import money, pct

    ru = lang == "ru"
    console = Console()
    who = escape(f"{figures.client_id} {figures.name}".strip())
    month = money(figures.per_month(discount_cost(figures, d)), lang)
    period = money(discount_cost(figures, d), lang)
    currency = figures.currency
    months = f"{figures.months:g}"
    console.print(
        f"[bold]{who}[/bold]: "
        + (
            f"скидка {pct(d, lang)} стоит {month} {currency} в месяц ({period} {currency} за "
            f"{months} мес.). Каждый вариант ниже сам по себе возвращает сегодняшний вклад клиента."
            if ru
            else f"a {pct(d, lang)} discount costs {month} {currency} a month ({period} {currency} "
            f"over {months} months). Each option below alone brings the client's contribution "
            "back to today's."
        )
    )
    table = Table(show_lines=True)
    for header in (
        ("Вариант", "--with", "Что нужно") if ru else ("Option", "--with", "What it takes")
    ):
        table.add_column(header)
    for option in options:
        label = KIND_LABELS.get(option.kind, (option.kind, option.kind))[ru]
        if option.category:
            label = f"{label}: {option.category}"
        table.add_row(
            escape(label),
            escape(with_value(option)) if option.feasible else "—",
            escape(option.explanation.text(lang)),
        )
    console.print(table)
    if check is not None:
        colour = "green" if check.parity_reached else "red"
        console.print(f"[{colour}]{escape(check.explanation.text(lang))}[/{colour}]")


def register(app: typer.Typer) -> None:
    """Add `clientload parity ...` with its subcommands."""
    app.add_typer(parity_app, name="parity")
