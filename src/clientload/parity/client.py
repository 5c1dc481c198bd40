"""One client's figures for a negotiation, and what its contribution becomes after a deal.

A deal is a discount d on all the client's prices plus what the client gives in return (a
`Proposal`). Contribution after = contribution before
  + change in gross margin     (1 + u)(GM - d·R) - GM, plus new categories at (m_c - d) each
  + cost-to-serve saved        fewer orders (and their deliveries), changes, urgent orders,
                               ordering through the portal, pickup instead of delivery
  - picking of new lines       lines of the new categories at the client's own cost per line
  - change in financing cost   r/365 · (R1·DSO1 - R0·DSO0)
Every unit cost is the client's own time-driven cost from the model, so the money is the money
the model shows for this client. Assumptions (documented in docs/parity.md): extra volume of what
the client already buys comes in the same orders; deliveries follow the number of orders; changes
stay as many in total unless a number per order is proposed; each money flow is over the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clientload.errors import ClientloadError
from clientload.parity.checks import (
    check_discount,
    check_non_negative,
    check_share,
    parse_amount,
    parse_fraction,
)


@dataclass(frozen=True)
class CategoryMargin:
    """A category the client does not buy yet, with the company's margin rate on it."""

    category: str
    margin_rate: float


@dataclass(frozen=True)
class ClientFigures:
    """What the client brings and costs over the analysed period (`months` long)."""

    client_id: str
    revenue: float
    gross_margin: float
    cost_to_serve: float
    contribution: float
    months: float
    orders: float
    order_lines: float
    changes: float
    urgent_orders: float
    deliveries: float
    quantity: float
    dso_days: float
    cost_of_capital: float
    cost_per_order: float  # order-driven minutes (entry, invoicing) at the client's own rates
    cost_per_line: float
    cost_per_change: float
    cost_per_urgent_order: float  # the urgent handling and urgent extras of one urgent order
    cost_per_delivery: float
    interaction_cost: float = 0.0  # calls, e-mails, meetings: the part the portal can take over
    portal_saving_share: float = 0.7  # share of ordering and service work a portal order removes
    portal_orders: float = 0.0  # orders it already places through the portal
    payment_terms_days: float | None = None
    missing_categories: tuple[CategoryMargin, ...] = ()
    name: str = ""
    currency: str = ""

    def __post_init__(self) -> None:
        if not self.revenue > 0:
            raise ClientloadError(
                f"client {self.client_id}: revenue is {self.revenue:g}; a discount needs sales"
            )
        if not self.months > 0:
            raise ClientloadError(
                f"client {self.client_id}: months is {self.months:g}; expected more than 0"
            )
        for name in (
            "orders",
            "order_lines",
            "changes",
            "urgent_orders",
            "deliveries",
            "quantity",
            "dso_days",
            "cost_of_capital",
            "cost_per_order",
            "cost_per_line",
            "cost_per_change",
            "cost_per_urgent_order",
            "cost_per_delivery",
            "interaction_cost",
        ):
            check_non_negative(getattr(self, name), f"client {self.client_id}: {name}")
        check_share(self.portal_saving_share, f"client {self.client_id}: portal_saving_share")

    @property
    def margin_rate(self) -> float:
        return self.gross_margin / self.revenue

    @property
    def financing_rate(self) -> float:
        """Cost of the receivables per unit of revenue: r · DSO / 365."""
        return self.cost_of_capital * self.dso_days / 365

    @property
    def deliveries_per_order(self) -> float:
        return self.deliveries / self.orders if self.orders else 0.0

    @property
    def manual_order_share(self) -> float:
        """Share of its orders still placed by hand: what moving to the portal can still cut."""
        if not self.orders:
            return 0.0
        return min(max(1 - self.portal_orders / self.orders, 0.0), 1.0)

    @property
    def portal_saving(self) -> float:
        """Money over the period if every order it still places by hand went through the portal."""
        work = self.orders * self.cost_per_order + self.changes * self.cost_per_change
        return self.portal_saving_share * self.manual_order_share * (work + self.interaction_cost)

    @property
    def line_value(self) -> float:
        """Average revenue of one order line, to turn new revenue into lines to pick."""
        return self.revenue / self.order_lines if self.order_lines else 0.0

    def per_month(self, amount: float) -> float:
        return amount / self.months

    def category_margin(self, category: str) -> float:
        for item in self.missing_categories:
            if item.category == category:
                return item.margin_rate
        known = ", ".join(c.category for c in self.missing_categories) or "none"
        raise ClientloadError(
            f"mix:{category}: not among the categories this client does not buy yet ({known})"
        )


@dataclass(frozen=True)
class Proposal:
    """What the client gives for the discount; None or 0 means 'as today'."""

    volume: float = 0.0  # change in quantity of what it buys today, as a fraction
    orders_per_month: float | None = None
    changes_per_order: float | None = None
    urgent_per_month: float | None = None
    portal_share: float = 0.0  # share of the orders it places by hand moved to the portal
    pickup_share: float = 0.0  # share of deliveries it collects itself
    terms_shortened_days: float = 0.0  # days off its days sales outstanding
    prepayment_share: float = 0.0  # share of revenue paid in advance
    mix: dict[str, float] = field(default_factory=dict)  # category → revenue a month at list price


PROPOSAL_KEYS = {
    "volume": "volume",
    "orders": "orders_per_month",
    "changes": "changes_per_order",
    "urgent": "urgent_per_month",
    "portal": "portal_share",
    "pickup": "pickup_share",
    "payment_terms": "terms_shortened_days",
    "prepayment": "prepayment_share",
}


def proposal_from_mapping(values: dict[str, float]) -> Proposal:
    """{'volume': 0.1, 'orders': 6, 'mix:Tools': 50000} → Proposal; unknown keys are an error."""
    fields: dict[str, object] = {}
    mix: dict[str, float] = {}
    for key, value in values.items():
        if key.startswith(("mix:", "mix.")):
            mix[key[4:]] = check_non_negative(value, key)
        elif key in PROPOSAL_KEYS:
            fields[PROPOSAL_KEYS[key]] = value
        else:
            raise ClientloadError(
                f"with: unknown item {key!r}; expected {', '.join(PROPOSAL_KEYS)} or mix:CATEGORY"
            )
    return Proposal(**fields, mix=mix)  # type: ignore[arg-type]


SHARE_KEYS = ("volume", "portal", "pickup", "prepayment")  # fractions: '10%' or '0.1'


def parse_proposal(text: str) -> Proposal:
    """'volume=10%,orders=6,mix:Tools=50000' → a Proposal; shares take %, counts do not."""
    values: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not value.strip():
            raise ClientloadError(f"--with: {item!r} should be KEY=VALUE, e.g. orders=6")
        argument = f"--with {key}"
        parse = parse_fraction if key in SHARE_KEYS else parse_amount
        values[key] = parse(value, argument)
    return proposal_from_mapping(values)


@dataclass(frozen=True)
class DealEffects:
    """Money over the period that each part of a deal adds (+) or takes (−) from contribution."""

    discount: float
    volume: float
    mix: float
    orders: float
    deliveries: float
    changes: float
    urgent: float
    portal: float
    financing: float

    @property
    def total(self) -> float:
        return (
            self.discount
            + self.volume
            + self.mix
            + self.orders
            + self.deliveries
            + self.changes
            + self.urgent
            + self.portal
            + self.financing
        )


def deal_effects(figures: ClientFigures, discount: float, proposal: Proposal) -> DealEffects:
    """Split the change in the client's contribution over the period into its parts."""
    f, p = figures, proposal
    d = check_discount(discount)
    u = p.volume
    if u <= -1:
        raise ClientloadError(f"volume is {u:g}; expected more than -1")
    orders_after = (
        f.orders
        if p.orders_per_month is None
        else (check_non_negative(p.orders_per_month, "orders") * f.months)
    )
    changes_after = (
        f.changes
        if p.changes_per_order is None
        else (check_non_negative(p.changes_per_order, "changes") * orders_after)
    )
    urgent_after = (
        f.urgent_orders
        if p.urgent_per_month is None
        else (check_non_negative(p.urgent_per_month, "urgent") * f.months)
    )
    portal = check_share(p.portal_share, "portal")
    pickup = check_share(p.pickup_share, "pickup")
    prepaid = check_share(p.prepayment_share, "prepayment")
    shortened = check_non_negative(p.terms_shortened_days, "payment_terms")
    if shortened > f.dso_days:
        raise ClientloadError(
            f"payment_terms: {shortened:g} days is more than the client's {f.dso_days:g} days "
            "sales outstanding; use prepayment for paying before delivery"
        )
    deliveries_after = (
        f.deliveries_per_order * orders_after * (1 - pickup)
        if f.orders
        else (f.deliveries * (1 - pickup))
    )
    mix_revenue = {c: x * f.months for c, x in p.mix.items()}  # at list price, over the period
    mix_margin = sum(x * (f.category_margin(c) - d) for c, x in mix_revenue.items())
    new_lines = sum(mix_revenue.values()) / f.line_value if f.line_value else 0.0

    revenue_after = (1 + u) * (1 - d) * f.revenue + (1 - d) * sum(mix_revenue.values())
    dso_after = (f.dso_days - shortened) * (1 - prepaid)
    financing_change = (
        f.cost_of_capital / 365 * (revenue_after * dso_after - f.revenue * f.dso_days)
    )
    portal_base = (
        orders_after * f.cost_per_order + changes_after * f.cost_per_change + f.interaction_cost
    )
    return DealEffects(
        discount=-d * f.revenue,
        volume=u * (f.gross_margin - d * f.revenue),
        mix=mix_margin - new_lines * f.cost_per_line,
        orders=(f.orders - orders_after) * f.cost_per_order,
        deliveries=(f.deliveries - deliveries_after) * f.cost_per_delivery,
        changes=(f.changes - changes_after) * f.cost_per_change,
        urgent=(f.urgent_orders - urgent_after) * f.cost_per_urgent_order,
        portal=portal * f.portal_saving_share * f.manual_order_share * portal_base,
        financing=-financing_change,
    )


def give_get_max_discount(
    margin_before: float,
    *,
    margin_after: float | None = None,
    financing_before: float = 0.0,
    financing_after: float | None = None,
    cost_to_serve_saving: float = 0.0,
    volume_change: float = 0.0,
) -> float:
    """The general give-get formula (all rates per unit of today's revenue):

    d_max = [(m1 - f1) - (m0 - f0 - s) / (1 + u)] / (1 - f1)

    m0, m1 margin rate before / after a mix change, f0, f1 financing cost r·DSO/365 before / after,
    s the cost to serve saved, u the volume change. A result at or below 0 means no discount.
    """
    m1 = margin_before if margin_after is None else margin_after
    f1 = financing_before if financing_after is None else financing_after
    if volume_change <= -1:
        raise ClientloadError(f"volume-change is {volume_change:g}; expected more than -1")
    if f1 >= 1:
        raise ClientloadError(f"financing is {f1:g} of revenue; expected below 1")
    return (
        (m1 - f1) - (margin_before - financing_before - cost_to_serve_saving) / (1 + volume_change)
    ) / (1 - f1)
