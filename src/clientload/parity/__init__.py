"""The profitability parity model: what to ask for a discount, and the largest discount that pays.

Pure functions over fractions (0.3 = 30%); each returns a small frozen result with `feasible`,
`reason`, the numbers and an `Explanation` in English and Russian. Only `from_workspace` (the
model's outputs for one client) and `store` (plans, sales, activation) read files. See
docs/parity.md for every formula.
"""

from clientload.parity.activation import Activation, DepartmentActivation, activation_funding
from clientload.parity.breakeven import (
    GridCell,
    GridRow,
    MaxDiscount,
    PriceIncreaseBreakEven,
    VolumeBreakEven,
    break_even_volume,
    discount_grid,
    max_discount_for_volume,
    price_increase_table,
    price_increase_volume_loss,
)
from clientload.parity.cash import CashDiscount, cash_discount_rates
from clientload.parity.checks import parse_amount, parse_fraction, parse_fractions
from clientload.parity.client import (
    CategoryMargin,
    ClientFigures,
    DealEffects,
    Proposal,
    deal_effects,
    give_get_max_discount,
    parse_proposal,
    proposal_from_mapping,
)
from clientload.parity.leverage import Lever, ProfitLeverage, profit_leverage
from clientload.parity.managers import ManagerFigures, ManagerPlan, manager_plan_discount
from clientload.parity.menu import CombinationCheck, Option, check_combination, give_get_menu
from clientload.parity.plan import PlanDiscount, plan_max_discount
from clientload.parity.text import Explanation

__all__ = [
    "Activation",
    "CashDiscount",
    "CategoryMargin",
    "ClientFigures",
    "CombinationCheck",
    "DealEffects",
    "DepartmentActivation",
    "Explanation",
    "GridCell",
    "GridRow",
    "Lever",
    "ManagerFigures",
    "ManagerPlan",
    "MaxDiscount",
    "Option",
    "PlanDiscount",
    "PriceIncreaseBreakEven",
    "ProfitLeverage",
    "Proposal",
    "VolumeBreakEven",
    "activation_funding",
    "break_even_volume",
    "cash_discount_rates",
    "check_combination",
    "deal_effects",
    "discount_grid",
    "give_get_max_discount",
    "give_get_menu",
    "manager_plan_discount",
    "max_discount_for_volume",
    "parse_amount",
    "parse_fraction",
    "parse_fractions",
    "parse_proposal",
    "plan_max_discount",
    "price_increase_table",
    "price_increase_volume_loss",
    "profit_leverage",
    "proposal_from_mapping",
]
