"""The command line speaks Russian when asked: `CLIENTLOAD_LANG=ru` or a Russian locale
(`LANG=ru_RU.UTF-8`) turn its error lines, parity tables and summaries Russian, numbers with
Russian separators; `LANG=C.UTF-8` leaves the English that scripts read unchanged. Each case runs
the real entry point in a subprocess, with the environment it names and nothing inherited."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clientload.cli.lang import cli_language

NBSP = "\xa0"
LANGUAGE_VARIABLES = ("CLIENTLOAD_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def clientload(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """The entry point with only the language variables given (others taken away)."""
    environ = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "clientload.cli.app", *args], capture_output=True, text=True,
        env=environ, cwd=cwd, stdin=subprocess.DEVNULL, timeout=300,
    )


RUSSIAN = [{"CLIENTLOAD_LANG": "ru", "LANG": "C.UTF-8"}, {"LANG": "ru_RU.UTF-8"}]
ENGLISH = {"LANG": "C.UTF-8"}


@pytest.mark.parametrize("env", RUSSIAN, ids=["CLIENTLOAD_LANG", "LANG"])
def test_an_error_line_is_russian_with_a_decimal_comma(env: dict[str, str]) -> None:
    done = clientload("parity", "volume", "--margin", "150%", "--discount", "5%", **env)
    assert done.returncode == 2
    assert done.stderr == (
        "ошибка: margin = 1,5; ожидается доля больше 0 и меньше 1 (например, 0,3 или 30%)\n"
    )
    done = clientload("parity", "volume", "--margin", "abc", "--discount", "5%", **env)
    assert done.stderr == ("ошибка: --margin: 'abc' — не число; напишите долю, например 0,3, "
                           "или процент, например 30%\n")


def test_an_error_line_stays_english_under_c_utf8() -> None:
    done = clientload("parity", "volume", "--margin", "150%", "--discount", "5%", **ENGLISH)
    assert done.returncode == 2
    assert done.stderr == (
        "error: margin is 1.5; expected a fraction above 0 and below 1 (e.g. 0.3 or 30%)\n"
    )


def test_usage_errors_keep_clicks_english_inside_a_russian_line() -> None:
    done = clientload("bogus", CLIENTLOAD_LANG="ru")
    assert done.returncode == 2
    assert done.stderr == "ошибка: No such command 'bogus'; см. `clientload --help`\n"


def test_a_workspace_that_is_not_there_is_said_in_russian(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    done = clientload("run", str(missing), LANG="ru_RU.UTF-8")
    assert done.returncode == 2
    assert done.stderr == (
        f"ошибка: {missing} — не папка; создайте рабочее пространство: "
        f"`clientload init {missing}`\n"
    )


def test_an_unknown_clientload_lang_is_one_english_line() -> None:
    done = clientload("parity", "volume", "--margin", "30%", "--discount", "5%",
                      CLIENTLOAD_LANG="de")
    assert done.returncode == 2
    assert done.stderr == "error: CLIENTLOAD_LANG is 'de'; expected ru or en\n"


@pytest.mark.parametrize("env", RUSSIAN, ids=["CLIENTLOAD_LANG", "LANG"])
def test_parity_speaks_the_command_lines_language(env: dict[str, str]) -> None:
    done = clientload("parity", "volume", "--margin", "30%", "--discount", "5%", **env)
    assert done.returncode == 0, done.stderr
    assert "Безубыточный объём" in done.stdout
    assert re.search(rf"Нужный рост объёма\s+│\s+20,00{NBSP}%", done.stdout), done.stdout
    # the command's own --lang still decides
    done = clientload("parity", "volume", "--margin", "30%", "--discount", "5%", "--lang", "en",
                      **env)
    assert re.search(r"Required volume change\s+│\s+20\.00%", done.stdout), done.stdout


def test_parity_stays_english_under_c_utf8() -> None:
    done = clientload("parity", "volume", "--margin", "30%", "--discount", "5%", **ENGLISH)
    assert re.search(r"Required volume change\s+│\s+20\.00%", done.stdout), done.stdout
    assert "Нужный" not in done.stdout


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated company (60 clients, 3,000 sales lines), computed once."""
    root = tmp_path_factory.mktemp("russian") / "ws"
    done = clientload("generate", str(root), "--clients", "60", "--lines", "3000", "--months",
                      "12", **ENGLISH)
    assert done.returncode == 0, done.stderr
    return root


def _row(text: str, label: str) -> str:
    """The value cell of a summary row."""
    match = re.search(rf"│ {re.escape(label)}\s+│\s+([^│]+?)\s+│", text)
    assert match, (label, text)
    return match.group(1)


def test_the_run_summary_in_russian_has_the_english_figures_in_russian_form(company: Path) -> None:
    english = clientload("run", str(company), **ENGLISH)
    assert english.returncode == 0, english.stderr
    for env in RUSSIAN:
        russian = clientload("run", str(company), **env)
        assert russian.returncode == 0, russian.stderr
        assert "расчёт clientload 01.01.2025 … 31.12.2025" in russian.stdout
        revenue = _row(english.stdout, "revenue, RUB")
        assert re.fullmatch(r"\d{1,3}( \d{3})+", revenue)  # the English as it always was
        assert _row(russian.stdout, "выручка, RUB") == revenue.replace(" ", NBSP)
        assert _row(russian.stdout, "клиенты") == _row(english.stdout, "clients") == "60"
        assert _row(russian.stdout, "сверх мощности") == "нет"
        assert re.search(r"│ время, с\s+│\s+\d+,\d │", russian.stdout), russian.stdout
        assert f"результаты в {company / 'out'}" in russian.stdout.replace("\n", "")
    assert "clientload run 2025-01-01 … 2025-12-31" in english.stdout
    assert "┃ figure" in english.stdout and "│ over capacity" in english.stdout
    assert f"results in {company / 'out'}" in english.stdout.replace("\n", "")


def test_the_import_summary_in_russian(company: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert clientload("init", str(fresh), **ENGLISH).returncode == 0
    sales = company / "data" / "generated" / "sales.parquet"
    russian = clientload("import", str(fresh), str(sales), "--table", "sales",
                         CLIENTLOAD_LANG="ru")
    assert russian.returncode == 0, russian.stderr
    assert "import в sales" in russian.stdout
    assert _row(russian.stdout, "прочитано") == f"3{NBSP}000"
    again = clientload("import", str(fresh), str(sales), "--table", "sales", **ENGLISH)
    assert _row(again.stdout, "read") == "0"
    assert _row(again.stdout, "files skipped") == "1"
    assert f"skipped {sales}: already imported into sales" in again.stdout.replace("\n", "")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL before LANG
        ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LANGUAGE": "de:ru", "LANG": "en_US.UTF-8"}, "ru"),  # the first language we have
        ({"LANGUAGE": "", "LANG": "ru_RU"}, "ru"),  # an empty variable does not count
        ({"CLIENTLOAD_LANG": "en", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"CLIENTLOAD_LANG": "RU", "LANG": "C.UTF-8"}, "ru"),
    ],
)
def test_the_language_is_found_as_gettext_finds_it(environ: dict[str, str], expected: str) -> None:
    assert cli_language(environ) == expected


def _demo_result(tmp_path: Path):  # type: ignore[no-untyped-def]
    from clientload.demo import DemoResult
    from clientload.messages import Message
    from clientload.workspace import Workspace

    return DemoResult(
        workspace=Workspace(tmp_path),
        info={"currency": "RUB", "period_start": "2025-01-01", "period_end": "2025-12-31",
              "headlines": {"clients": 1000, "revenue": 2784701000.0,
                            "total_contribution": 665858569.0, "unused_capacity_cost": 19099795.0}},
        segments=[{"label_en": "Core clients", "label_ru": "Правильные клиенты", "clients": 136,
                   "contribution": 366889851.0}],
        seconds={"model": 1.52, "workbook": 8.84},
        notes=[Message("{rejected:,} generated rows were rejected; see {folder}",
                       rejected=1200, folder="rejects")],
    )  # fmt: skip


def _rendered(table) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def test_the_demo_summary_in_russian_and_in_english(tmp_path: Path) -> None:
    from clientload.cli.lang import said
    from clientload.demo import summary_table

    result = _demo_result(tmp_path)
    ru = _rendered(summary_table(result, "ru"))
    assert "clientload demo · 01.01.2025 … 31.12.2025" in ru
    assert "выручка" in ru and f"2{NBSP}784{NBSP}701{NBSP}000 ₽" in ru
    assert f"клиентов: 136, вклад 366{NBSP}889{NBSP}851 ₽" in ru
    assert "Правильные клиенты" in ru
    assert "время: книга Excel" in ru and "8,8 с" in ru and "время: модель" in ru
    note = said(result.notes[0], "ru")
    assert note == f"отклонено сгенерированных строк: 1{NBSP}200; см. rejects"

    en = _rendered(summary_table(result, "en"))
    assert "clientload demo · 2025-01-01 … 2025-12-31" in en
    assert "2,784,701,000 RUB" in en and "136 clients, contribution 366,889,851 RUB" in en
    assert "time: workbook" in en and "8.8 s" in en
    assert str(result.notes[0]) == "1,200 generated rows were rejected; see rejects"


def test_the_report_and_rows_lines_in_russian(company: Path, tmp_path: Path) -> None:
    assert clientload("run", str(company), **ENGLISH).returncode == 0
    html = tmp_path / "r.html"
    russian = clientload("report", str(company), "--html", str(html), CLIENTLOAD_LANG="ru")
    assert russian.returncode == 0, russian.stderr
    assert re.fullmatch(rf"отчёт {re.escape(str(html))} \(\d+,\d МБ\)\n", russian.stdout)
    english = clientload("report", str(company), "--html", str(html), **ENGLISH)
    assert re.fullmatch(rf"report {re.escape(str(html))} \(\d+\.\d MB\)\n", english.stdout)

    rows = clientload("export", str(company), "--rows", str(tmp_path / "rows"),
                      CLIENTLOAD_LANG="ru")
    assert rows.returncode == 0, rows.stderr
    assert "(клиентов: 60)" in rows.stdout and "ClientMonths.csv (строк: " in rows.stdout


def test_the_generate_summary_in_russian(tmp_path: Path) -> None:
    done = clientload("generate", str(tmp_path / "g"), "--clients", "60", "--lines", "2000",
                      "--months", "12", CLIENTLOAD_LANG="ru")
    assert done.returncode == 0, done.stderr
    assert "сгенерировано 01.01.2025 .. 31.12.2025, seed 42" in done.stdout
    assert "┃ таблица" in done.stdout and "загружено" in done.stdout
    assert re.search(rf"│ sales\s+│\s+2{NBSP}000 │\s+2{NBSP}000 │\s+0 │", done.stdout), done.stdout
    assert re.search(r"\(генерация \d+,\d с, загрузка \d+,\d с\)", done.stdout), done.stdout
    assert "отделы рассчитаны под эту компанию" in done.stdout


def test_the_calibration_tables_in_russian(company: Path) -> None:
    russian = clientload("calibrate", str(company), CLIENTLOAD_LANG="ru", COLUMNS="200")
    assert russian.returncode == 0, russian.stderr
    assert "стандартные минуты: в настройках и оценка" in russian.stdout
    assert "регрессии по табелям" in russian.stdout and "табели" in russian.stdout
    assert re.search(r"│ order_entry\s+│ base\s+│\s+\d+,\d+ │", russian.stdout), russian.stdout
    english = clientload("calibrate", str(company), COLUMNS="200", **ENGLISH)
    assert "standard minutes: setting and estimate" in english.stdout
    assert re.search(r"│ order_entry\s+│ base\s+│\s+\d+\.\d+ │", english.stdout), english.stdout
