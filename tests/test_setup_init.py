"""A new workspace set up on the company's own staff: staff.csv, the interactive wizard (Russian,
through its prompts), departments scaled from revenue until the staff are given, and the run's
word on which."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.errors import ClientloadError
from clientload.settings import SettingsError, default_settings, parse_settings
from clientload.setup.staff import read_staff

EXAMPLE = Path(__file__).parents[1] / "examples" / "staff.csv"
runner = CliRunner()


def test_the_example_staff_file_gives_each_departments_cost_and_practical_capacity():
    lines = {s.department: s for s in read_staff(EXAMPLE, list(default_settings().activities))}
    sales = lines["sales"]
    # 6 people × 40 h × 52 weeks × 80 % × 60 = 599,040 minutes; 1,080,000 × 12 months
    assert sales.amounts() == (12_960_000.0, pytest.approx(599_040.0))
    assert sales.cost_per_minute == pytest.approx(21.6346, abs=1e-4)
    # 5 people × 45 h × 52 × 75 % × 60 = 526,500 minutes
    assert lines["logistics"].amounts()[1] == pytest.approx(526_500.0)
    assert lines["warehouse"].practical_share == 0.85
    assert lines["finance"].activities == ("invoicing", "claim")


def test_init_with_staff_writes_the_departments_and_prints_their_cost_per_minute(tmp_path):
    root = tmp_path / "acme"
    done = runner.invoke(app, ["init", str(root), "--staff", str(EXAMPLE), "--currency", "USD"])
    assert done.exit_code == 0, done.output
    assert "21.63 $" in done.output and "12.62 $" in done.output  # sales, customer service
    settings = parse_settings((root / "clientload.toml").read_text("utf-8"))
    sales = settings.departments["sales"]
    assert (sales.sized_from, sales.people, sales.cost_per_month) == ("staff", 6, 1_080_000)
    assert sales.cost_per_minute == pytest.approx(21.6346, abs=1e-4)
    assert settings.section("analysis")["currency"] == "USD"
    assert {a.name: a.department for a in settings.activities.values()}["claim"] == "finance"
    text = (root / "clientload.toml").read_text("utf-8")
    assert "over 12 months: cost 12,960,000, capacity 599,040 minutes, 21.63 a minute" in text


def test_a_staff_file_with_mistakes_is_refused_naming_line_and_column(tmp_path):
    bad = tmp_path / "staff.csv"
    bad.write_text("department;people;cost_per_month;practical_share\n"
                   "Склад;10;850 000;85%\n"
                   "Отдел сбыта;x;100;0,8\n"
                   "finance;2;;150\n", "utf-8")
    with pytest.raises(ClientloadError) as err:
        read_staff(bad, list(default_settings().activities))
    said = str(err.value)
    assert "line 3, column department: 'Отдел сбыта' is not a code" in said
    assert "line 3, column people: 'x' is not a number" in said
    assert "line 4, column cost_per_month: empty" in said
    assert "line 4, column practical_share: '150'" in said
    done = runner.invoke(app, ["init", str(tmp_path / "ws"), "--staff", str(bad)])
    assert done.exit_code != 0 and not (tmp_path / "ws" / "clientload.toml").exists()


def test_russian_department_names_cost_per_person_and_decimal_commas(tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text("department;people;cost_per_person;hours_per_week;practical_share\n"
                     "Склад;2,5;80 000;36;85%\n", "cp1251")
    (line,) = read_staff(staff, list(default_settings().activities))
    assert (line.department, line.label, line.people) == ("warehouse", "Склад", 2.5)
    assert line.cost_per_month == 200_000  # 2.5 × 80,000
    assert line.amounts()[1] == pytest.approx(2.5 * 36 * 52 * 0.85 * 60)


def test_activities_of_departments_not_in_the_staff_list_are_left_out_and_said(tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text("department,people,cost_per_month\nsales,3,600000\n", "utf-8")
    done = runner.invoke(app, ["init", str(tmp_path / "ws"), "--staff", str(staff)])
    assert done.exit_code == 0, done.output
    assert "activity picking left out: its department warehouse is not in the staff list" in (
        done.output)
    settings = parse_settings((tmp_path / "ws" / "clientload.toml").read_text("utf-8"))
    assert list(settings.departments) == ["sales"]
    assert sorted(settings.activities) == ["call", "email", "meeting", "visit"]


def test_init_with_no_staff_sizes_nothing_in_a_currency_it_may_not_fit(tmp_path):
    root = tmp_path / "usd"
    done = runner.invoke(app, ["init", str(root), "--currency", "USD"])
    assert done.exit_code == 0, done.output
    assert "scaled to the company from its revenue" in done.output
    text = (root / "clientload.toml").read_text("utf-8")
    settings = parse_settings(text)
    assert all(d.sized_from == "revenue" and not d.sized for d in settings.departments.values())
    departments = text.split("[departments.sales]")[1].split("[activities")[0]
    assert "\ncost = " not in departments and "capacity_minutes" not in departments
    assert settings.departments["sales"].revenue_share == 0.01


def test_the_wizard_in_russian_through_its_prompts(tmp_path):
    answers = [
        "ru", "RUB", "ООО Ромашка",
        "6", "все", "1 080 000", "40", "80%",      # sales: whole department a month
        "4", "один", "105000", "", "",              # customer service: per person, defaults
        "0", "0", "0",                              # no warehouse, logistics, finance
        "",                                         # no other department
        # sales: call, email, meeting (30 min), not visits
        "д", "", "д", "", "да", "30", "н",
        # customer service: order entry, change, inquiry, complaint
        "д", "7", "д", "", "д", "", "д", "",
        # the others' activities: picking, urgent handling, delivery, return, invoicing, claim
        "никто", "никто", "никто", "склад", "никто", "customer_service", "", "никто",
    ]
    done = runner.invoke(app, ["init", str(tmp_path / "ws"), "--interactive"],
                         input="\n".join(answers) + "\n")
    assert done.exit_code == 0, done.output
    assert "Продажи: сколько сотрудников?" in done.output
    assert "Нет среди подразделений: склад" in done.output  # asked again
    assert "21,63 ₽" in done.output and "12,62 ₽" in done.output  # cost per minute
    settings = parse_settings((tmp_path / "ws" / "clientload.toml").read_text("utf-8"))
    assert list(settings.departments) == ["sales", "customer_service"]
    service = settings.departments["customer_service"]
    assert (service.people, service.cost_per_month, service.practical_share) == (4, 420_000, 0.8)
    # 4 × 40 h × 52 weeks × 80 % × 60 = 399,360 minutes for 4 × 105,000 × 12 = 5,040,000
    assert service.cost_per_minute == pytest.approx(5_040_000 / 399_360)
    minutes = {a.name: (a.department, a.minutes) for a in settings.activities.values()}
    assert minutes["meeting"] == ("sales", 30) and "visit" not in minutes
    assert minutes["order_entry"] == ("customer_service", 7)
    assert minutes["invoicing"] == ("customer_service", 3) and "claim" not in minutes
    assert settings.section("analysis")["company"] == "ООО Ромашка"


def test_the_loader_reads_staff_and_revenue_departments_and_refuses_a_mixture():
    s = parse_settings("[departments.desk]\npeople = 2\ncost_per_month = 100000\n"
                       "hours_per_week = 30\npractical_share = 0.75\n"
                       "[activities.call]\ndriver = 'interactions'\ntype = 'call'\n"
                       "department = 'desk'\nminutes = 5\n")
    desk = s.departments["desk"]
    assert desk.cost == 1_200_000
    assert desk.capacity_minutes == pytest.approx(2 * 30 * 52 * 0.75 * 60)
    with pytest.raises(SettingsError) as err:
        parse_settings("[departments.desk]\ncost = 5\npeople = 2\ncost_per_month = 1\n"
                       "[departments.ops]\nrevenue_share = 1.5\n")
    problems = " ".join(err.value.problems)
    assert ("`departments.desk` mixes ways of sizing a department (cost and people, "
            "cost_per_month): give one") in problems
    assert "`departments.ops.revenue_share` (line 6) is 1.5" in problems
