"""What calibration reads from the store, on a hand-made company: each employee-day's counts of
every kind of term, employees matched across tables whatever their spelling, recorded minutes
taken off; and how estimates are written back into the settings, terms lists included."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest

from clientload.calibrate.apply import apply_to_text
from clientload.calibrate.estimate import Calibration, Estimate
from clientload.calibrate.records import employee_days, recorded_durations
from clientload.calibrate.terms import Term, activity_terms
from clientload.settings import parse_settings
from clientload.workspace import init_workspace


def _term(name: str, kind: str, driver: str = "orders", activity: str = "order_entry",
          kind_type: str | None = None) -> Term:
    return Term(activity, "customer_service", driver, name, kind, 1.0,
                interaction_type=kind_type)


TERMS = [
    _term("base", "base"),
    _term("lines", "per"),
    _term("quantity", "per"),
    _term("urgent", "when"),
    _term("new_client", "when"),
    _term("delivery == 'pickup'", "when"),
    _term("base", "base", driver="returns", activity="return"),
    _term("base", "base", driver="interactions", activity="call", kind_type="call"),
    _term("base", "base", driver="interactions", activity="inquiry", kind_type="Inquiry"),
    _term("source != 'portal'", "when", driver="order_changes", activity="order_change"),
]


@pytest.fixture()
def con(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    db = ws.connect()
    db.execute("""INSERT INTO sales (client_id, date, sku, quantity, revenue, order_id) VALUES
        ('C1', DATE '2025-01-10', 'A', 2, 10, 'O1'), ('C1', DATE '2025-01-10', 'B', 3, 10, 'O1'),
        ('C1', DATE '2025-01-20', 'B', -1, -3, 'O1'), ('C2', DATE '2025-03-01', 'A', 5, 10, 'O2'),
        ('C1', DATE '2025-06-01', 'A', 1, 5, 'O3'), ('C1', DATE '2025-06-01', 'C', 4, 5, 'O3')""")
    db.execute("""INSERT INTO orders (order_id, client_id, created_at, urgent, changes, delivery,
                                      returned, employee) VALUES
        ('O1', 'C1', TIMESTAMP '2025-01-10 09:00', true, 2, 'pickup', false, 'Anna '),
        ('O2', 'C2', TIMESTAMP '2025-03-01 09:00', false, 0, 'delivery', false, 'anna'),
        ('O3', 'C1', TIMESTAMP '2025-06-01 09:00', false, 0, 'delivery', true, 'Boris')""")
    db.execute("""INSERT INTO interactions (client_id, type, date, minutes, "count", department,
                                            employee) VALUES
        ('C1', 'call', TIMESTAMP '2025-01-10 10:00', NULL, 2, 'customer_service', 'ANNA'),
        ('C1', 'Call ', TIMESTAMP '2025-01-10 11:00', 7, 1, 'customer_service', 'Anna'),
        ('C2', 'inquiry', TIMESTAMP '2025-03-01 12:00', NULL, 1, 'customer_service', 'anna'),
        ('C2', 'call', TIMESTAMP '2025-03-02 12:00', 12, 3, NULL, 'nobody')""")
    db.execute("""INSERT INTO timesheets (employee, date, minutes, department) VALUES
        ('Anna', DATE '2025-01-10', 120, 'Customer_Service'), ('Anna', DATE '2025-02-01', 45, NULL),
        ('anna', DATE '2025-03-01', 60, NULL), ('Boris', DATE '2025-06-01', 30, NULL)""")
    yield db
    db.close()


def test_each_employee_day_counts_every_term_of_the_work_done(con):
    days = employee_days(con, TERMS, ["sales", "customer_service"], new_client_months=3)
    assert [str(d) for d in days.day] == ["2025-01-10", "2025-02-01", "2025-03-01", "2025-06-01"]
    assert list(days.employee) == ["anna", "anna", "anna", "boris"]
    assert list(days.department) == ["customer_service"] * 3 + [""]  # Boris: nobody says
    assert list(days.minutes) == [120, 45, 60, 30]
    assert list(days.recorded) == [7, 0, 0, 0]
    counts = {label: list(values) for label, values in days.counts.items()}
    assert counts["order_entry · base"] == [1, 0, 1, 1]
    assert counts["order_entry · lines"] == [2, 0, 1, 2]  # the return line is not a line
    assert counts["order_entry · quantity"] == [5, 0, 5, 5]
    assert counts["order_entry · urgent"] == [1, 0, 0, 0]
    assert counts["order_entry · new_client"] == [1, 0, 1, 0]  # within 3 months of the first
    assert counts["order_entry · delivery == 'pickup'"] == [1, 0, 0, 0]
    assert counts["return · base"] == [1, 0, 0, 1]  # a return line; a returned order
    assert counts["call · base"] == [2, 0, 0, 0]  # events without minutes, `count` honoured
    assert counts["inquiry · base"] == [0, 0, 1, 0]
    assert days.uncounted == {"order_change · source != 'portal'":
                              "a when term \"source != 'portal'\" of the order_changes driver"}


def test_recorded_durations_are_minutes_per_event_by_type(con):
    found = recorded_durations(con, ["call", "inquiry"])
    assert set(found) == {"call"}
    call = found["call"]
    assert (call.events, call.median, call.mean) == (2, 5.5, 5.5)  # 7 and 12 / 3 = 4


def test_terms_come_from_a_terms_list_or_the_shorthands():
    listed = SimpleNamespace(name="order_handling", department="desk", driver="orders",
                             minutes=5.0, type=None, minutes_per_line=0.0,
                             urgent_extra_minutes=0.0,
                             terms=[{"per": "lines", "minutes": 3},
                                    {"when": "new_client", "minutes": 15},
                                    {"when": "delivery == 'pickup'", "minutes": -2}])
    assert [(t.name, t.kind, t.minutes, t.setting_key) for t in activity_terms(listed)] == [
        ("base", "base", 5.0, "minutes"), ("lines", "per", 3.0, "terms"),
        ("new_client", "when", 15.0, "terms"), ("delivery == 'pickup'", "when", -2.0, "terms")]
    default = parse_settings("").activities["order_entry"]  # the template writes a terms list
    assert [(t.name, t.setting_key) for t in activity_terms(default)] == [
        ("base", "minutes"), ("lines", "terms"), ("urgent", "terms")]
    shorthand = parse_settings(
        '[departments.desk]\ncost = 1\ncapacity_minutes = 1\n[activities.o]\ndriver = "orders"\n'
        'department = "desk"\nminutes = 5\nminutes_per_line = 0.5\nurgent_extra_minutes = 10\n'
    ).activities["o"]
    assert [(t.name, t.setting_key) for t in activity_terms(shorthand)] == [
        ("base", "minutes"), ("lines", "minutes_per_line"), ("urgent", "urgent_extra_minutes")]


def _estimate(activity: str, term: str, value: float, kind: str = "base",
              key: str = "minutes") -> Estimate:
    return Estimate(activity=activity, term=term, department="desk", current_minutes=1.0,
                    estimated_minutes=value, low=value * 0.9, high=value * 1.1,
                    method="timesheets", observations=100, identified=True, trusted=True,
                    kind=kind, setting_key=key)


def test_estimates_are_written_into_keys_and_terms_lists_keeping_comments():
    text = """[activities.order_handling]
driver = "orders"    # counted per order
department = "desk"
minutes = 5
terms = [
  { per = "lines", minutes = 3 },
  { when = "new_client", minutes = 15 },
]

[activities.call]
driver = "interactions"
type = "call"
department = "desk"
minutes = 6
"""
    result = Calibration(estimates=[
        _estimate("order_handling", "base", 7.1663),
        _estimate("order_handling", "lines", 0.8095, "per", "terms"),
        _estimate("order_handling", "urgent", 12.49, "when", "urgent_extra_minutes"),
        _estimate("call", "base", 5.98),
    ], fits=[], notes=[])
    written, estimates = apply_to_text(text, result, today=dt.date(2026, 1, 31))
    assert len(estimates) == 4
    lines = written.splitlines()
    assert lines[1] == 'driver = "orders"    # counted per order'
    assert lines[3].startswith("minutes = 7.17  # calibrated 2026-01-31: timesheets, 95 %")
    assert lines[4].startswith("urgent_extra_minutes = 12.5  # calibrated")  # added after
    assert lines[6].startswith("  { per = \"lines\", minutes = 0.81 },  # calibrated")
    assert lines[7] == "  { when = \"new_client\", minutes = 15 },"
    assert "minutes = 5.98  # calibrated" in written


def test_the_fit_uses_what_the_records_give(con):
    from clientload.calibrate.estimate import Thresholds, from_timesheets

    days = employee_days(con, TERMS[:2], ["customer_service"], new_client_months=3)
    estimates, fits = from_timesheets(TERMS[:2], days, Thresholds(min_days=1, resamples=20))
    assert [e.identified for e in estimates] == [True, True]
    (fit,) = fits
    assert (fit.department, fit.employee_days, fit.employees) == ("customer_service", 3, 1)
    assert np.isfinite(fit.r_squared)
