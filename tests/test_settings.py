"""The settings loader: defaults, replacement of departments/activities, errors by name and line."""

import pytest

from clientload.settings import SettingsError, default_settings, default_toml_text, parse_settings


def test_defaults_parse_and_every_activity_names_a_department():
    s = default_settings()
    assert set(s.departments) == {"sales", "customer_service", "warehouse", "logistics", "finance"}
    for activity in s.activities.values():
        assert activity.department in s.departments


def test_template_is_the_defaults():
    assert parse_settings(default_toml_text()).raw == default_settings().raw


def test_departments_and_activities_in_the_file_replace_the_defaults():
    s = parse_settings(
        """
[departments.desk]
cost = 560000
capacity_minutes = 700000

[activities.inquiry]
driver = "interactions"
type = "inquiry"
department = "desk"
minutes = 44
"""
    )
    assert list(s.departments) == ["desk"]
    assert list(s.activities) == ["inquiry"]
    assert s.departments["desk"].cost_per_minute == pytest.approx(0.80)
    # other sections keep their defaults
    assert s.cost_of_capital == default_settings().cost_of_capital


def test_a_key_left_out_takes_its_default():
    s = parse_settings("[finance]\ncost_of_capital = 0.2\n")
    assert s.cost_of_capital == 0.2
    assert s.section("finance")["default_payment_terms_days"] == 14


def test_unknown_key_is_reported_with_its_line():
    with pytest.raises(SettingsError) as err:
        parse_settings("[analysis]\ncurrency = 'EUR'\nlanguge = 'en'\n", "x.toml")
    assert "`analysis.languge` (line 3)" in str(err.value)
    assert str(err.value).startswith("x.toml:")


def test_wrong_type_is_reported_with_its_line():
    with pytest.raises(SettingsError) as err:
        parse_settings("[finance]\n\ncost_of_capital = 'high'\n")
    assert "`finance.cost_of_capital` (line 3) should be number" in str(err.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(SettingsError) as err:
        parse_settings("[margin]\nassumed_margin_rate = 1.5\n[finance]\ncost_of_capital = -1\n")
    assert len(err.value.problems) == 3  # margin out of range twice (fraction, < 1) + capital


def test_activity_with_unknown_driver_or_department():
    text = """
[departments.desk]
cost = 1
capacity_minutes = 10
[activities.a]
driver = "phone_calls"
department = "desk"
minutes = 1
[activities.b]
driver = "orders"
department = "nowhere"
minutes = 1
"""
    with pytest.raises(SettingsError) as err:
        parse_settings(text)
    msg = str(err.value)
    assert "`activities.a.driver` (line 6) is 'phone_calls'" in msg
    assert "`activities.b.department` (line 11) names 'nowhere'" in msg


def test_each_problem_of_an_entry_is_listed_and_none_follows_from_another():
    """Found by the audit: a wrong driver hid the wrong department of the same activity, and a
    department with a negative cost made each of its activities "not among the departments"."""
    text = """
[departments.desk]
cost = -5
capacity_minutes = 0
[activities.a]
driver = "nonsense"
department = "nowhere"
minutes = -1
[activities.b]
driver = "orders"
department = "desk"
minutes = 1
"""
    with pytest.raises(SettingsError) as err:
        parse_settings(text)
    problems = err.value.problems
    assert any("`departments.desk.cost` (line 3) must not be negative" in p for p in problems)
    assert any("`departments.desk.capacity_minutes` (line 4)" in p for p in problems)
    assert any("`activities.a.driver` (line 6) is 'nonsense'" in p for p in problems)
    assert any("`activities.a.department` (line 7) names 'nowhere'" in p for p in problems)
    assert any("`activities.a.minutes` (line 8) must not be negative" in p for p in problems)
    assert not any("activities.b" in p for p in problems)  # desk is declared, only wrong
    assert len(problems) == 5


def test_syntax_error_names_the_line():
    with pytest.raises(SettingsError, match="line 2"):
        parse_settings("[analysis]\ncurrency = \n")


def test_career_levels_are_validated_item_by_item():
    with pytest.raises(SettingsError, match=r"career\.levels\.min_monthly_revenue"):
        parse_settings("[[career.levels]]\ncode = 'x'\nmin_monthly_revenue = 'lots'\n")
    s = parse_settings("[[career.levels]]\ncode = 'only'\n")
    assert s.section("career")["levels"][0]["min_categories"] == 0


def test_a_career_level_without_names_is_not_named_after_the_first_default_level():
    s = parse_settings("[[career.levels]]\ncode = 'bronze'\nmin_monthly_revenue = 10\n")
    level = s.section("career")["levels"][0]
    assert level["name_ru"] == "" and level["perks"] == ""
    assert level["max_orders_per_month"] == 1000  # numbers stay permissive
