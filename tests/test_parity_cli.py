"""`clientload parity ...` as a user runs it: JSON keys of the contract, exit codes, one-line "
"errors."""

import json
import subprocess
import sys

import pytest

from clientload.cli.app import main


def run(monkeypatch, capsys, *args):
    """Run the real entry point in-process; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["clientload", "parity", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        (["volume", "--margin", "30%", "--discount", "10%"], "required_volume_change", 0.5),
        (["volume", "--margin", "0.25", "--discount", "5 %"], "required_volume_change", 0.25),
        (["max-discount", "--margin", "30%", "--volume-change", "50%"], "max_discount", 0.1),
        (["price-increase", "--margin", "30%", "--increase", "5%"], "max_volume_loss", 1 / 7),
        (
            ["plan", "--margin", "30%", "--attainment", "80%", "--plan-unit", "quantity"],
            "max_discount",
            0.06,
        ),
        (
            ["plan", "--margin", "30%", "--attainment", "0.8", "--plan-unit", "revenue"],
            "max_discount",
            0.06 / 0.76,
        ),
        (
            ["cash-discount", "--discount", "2%", "--discount-days", "10", "--net-days", "30"],
            "nominal_annual_rate",
            0.02 / 0.98 * 365 / 20,
        ),
    ],
)
def test_json_carries_the_contract_key(monkeypatch, capsys, args, key, value):
    code, out, _ = run(monkeypatch, capsys, *args, "--json")
    assert code == 0
    data = json.loads(out)
    assert data[key] == pytest.approx(value)
    assert data["feasible"] is True and data["reason"] is None


def test_no_answer_is_feasible_false_with_a_reason_and_exit_0(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "volume", "--margin", "30%", "--discount", "30%", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["feasible"] is False and "margin" in data["reason"]
    code, out, _ = run(
        monkeypatch, capsys, "plan", "--margin", "30%", "--attainment", "80%",
        "--plan-unit", "revenue", "--benchmark", "plan", "--json", "--lang", "ru",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["feasible"] is False and "скидка невозможна" in data["reason"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["volume", "--margin", "150%", "--discount", "10%"], "margin"),
        (["volume", "--margin", "30%", "--discount", "-5%"], "discount"),
        (["volume", "--margin", "thirty", "--discount", "5%"], "--margin"),
        (
            ["plan", "--margin", "30%", "--attainment", "120%", "--plan-unit", "revenue"],
            "attainment",
        ),
        (["plan", "--margin", "30%", "--attainment", "80%", "--plan-unit", "boxes"], "plan-unit"),
        (
            ["cash-discount", "--discount", "2%", "--discount-days", "30", "--net-days", "10"],
            "net-days",
        ),
        (["volume", "--margin", "30%", "--discount", "10%", "--lang", "de"], "--lang"),
    ],
)
def test_bad_input_is_exit_2_with_one_line_naming_the_argument(monkeypatch, capsys, args, named):
    code, out, err = run(monkeypatch, capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and named in err


def test_grid_rows_and_price_increase_rows(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "grid", "--margins", "20%,30%", "--discounts", "10%,25%",
        "--increases", "5%", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert [row["margin"] for row in data["rows"]] == [0.2, 0.3]
    cells = data["rows"][0]["values"]
    assert cells[0]["required_volume_change"] == pytest.approx(1.0)
    assert cells[1]["feasible"] is False and cells[1]["required_volume_change"] is None
    assert "25.0% discount is at or above the 20.0% margin" in cells[1]["reason"]
    assert "reason" not in cells[0]
    assert data["price_increase_rows"][1]["values"][0]["max_volume_loss"] == pytest.approx(1 / 7)


def test_leverage_json(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "leverage", "--revenue", "100 000", "--variable-costs", "70000",
        "--fixed-costs", "25000", "--json",
    )  # fmt: skip
    data = json.loads(out)
    price = data["levers"][0]
    assert code == 0 and price["driver"] == "price"
    assert price["profit_change"] == pytest.approx(1000)
    assert price["profit_change_rate"] == pytest.approx(0.2)


def test_default_output_is_a_table_with_the_explanation_in_russian(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "volume", "--margin", "30%", "--discount", "10%", "--lang", "ru"
    )
    assert code == 0
    assert "Нужный рост объёма" in out and "50,00" in out and "объём должен вырасти" in out


def test_the_calculators_import_no_data_library():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from clientload.cli.app import app\n"
        "r = CliRunner().invoke(app, ['parity', 'volume', '--margin', '30%', '--discount', "
        "'10%'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print([m for m in ('duckdb', 'ibis', 'pandas', 'numpy', 'pyarrow', 'polars') if m in "
        "sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
