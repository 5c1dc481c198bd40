"""`clientload init DIR --interactive`: the company's departments, staff, pay, hours and
activities, asked one question at a time in Russian or English.

The questions go through `ask(question, default) -> answer` (Rich's prompt in the command), so a
test can answer them from a list. A wrong answer is said and asked again; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from clientload.i18n import translator
from clientload.model.labels import term_label
from clientload.settings import Settings
from clientload.settings.departments import DEFAULT_HOURS_PER_WEEK, DEFAULT_PRACTICAL_SHARE
from clientload.setup.compose import ActivityChoice
from clientload.setup.staff import CODE, AmbiguousNumber, StaffLine, parse_number

Ask = Callable[[str, str], str]
Say = Callable[[str], None]


@dataclass
class Answers:
    language: str
    currency: str
    company: str
    staff: list[StaffLine] = field(default_factory=list)
    activities: list[ActivityChoice] = field(default_factory=list)


def _number(ask: Ask, say: Say, _: Callable[[str], str], question: str, default: str,
            share: bool = False, positive: bool = False, allow_zero: bool = True) -> float:
    while True:
        answer = ask(question, default).strip() or default
        try:
            value = parse_number(answer, share)
        except AmbiguousNumber:
            say(_("{answer} could be read two ways: write it without a thousands separator or "
                  "with a decimal point").format(answer=answer))
            continue
        except ValueError:
            say(_("Not a number: {answer}").format(answer=answer))
            continue
        if value < 0 or (value == 0 and (positive or not allow_zero)):
            say(_("Expected a number above zero") if positive or not allow_zero
                else _("Expected a number not below zero"))
            continue
        if share and value > 1:
            say(_("Expected a share up to 100 %"))
            continue
        return value


def _yes(ask: Ask, say: Say, _: Callable[[str], str], question: str, default: bool) -> bool:
    yes, no = _("y"), _("n")
    while True:
        answer = ask(question, yes if default else no).strip().lower()
        if answer in (yes, "y", "yes", "д", "да"):
            return True
        if answer in (no, "n", "no", "н", "нет"):
            return False
        say(_("Answer {yes} or {no}").format(yes=yes, no=no))


def _department(ask: Ask, say: Say, _: Callable[[str], str], code: str, label: str,
                lang: str) -> StaffLine | None:
    name = label or term_label(code, lang)
    people = _number(ask, say, _, _("{name}: how many people? (0: no such department)")
                     .format(name=name), "0")
    if people == 0:
        return None
    per = _("one")
    total = _("all")
    while True:
        basis = ask(_("{name}: monthly cost per person ({person}) or for the whole department "
                      "({total})?").format(name=name, person=per, total=total),
                    total).strip().lower()
        if basis in (per, total, "one", "all"):
            break
        say(_("Answer {person} or {total}").format(person=per, total=total))
    each = basis in (per, "one")
    question = (_("{name}: monthly cost of one person (pay with taxes, space, vehicles)")
                if each else
                _("{name}: monthly cost of the whole department (pay with taxes, space, "
                  "vehicles)"))
    cost = _number(ask, say, _, question.format(name=name), "", positive=False)
    hours = _number(ask, say, _, _("{name}: paid hours a week per person").format(name=name),
                    f"{DEFAULT_HOURS_PER_WEEK:g}", positive=True)
    share = _number(ask, say, _, _("{name}: share of paid time really available for work "
                                   "(practical capacity)").format(name=name),
                    f"{DEFAULT_PRACTICAL_SHARE * 100:g}%", share=True, positive=True)
    return StaffLine(department=code, people=people, cost_per_month=cost * people if each
                     else cost, hours_per_week=hours, practical_share=share, label=label)


def ask_settings(template: Settings, ask: Ask, say: Say, language: str | None = None,
                 currency: str | None = None, company: str | None = None) -> Answers:
    """Every question of the wizard; the answers as staff lines and activity choices."""
    lang = language
    while lang not in ("ru", "en"):
        lang = ask("Language / Язык (ru, en)", "ru").strip().lower()
    _ = translator(lang)
    while currency is None or not (len(currency) == 3 and currency.isalpha()):
        currency = ask(_("Currency (three letters: RUB, USD, EUR, …)"), "RUB").strip().upper()
    if company is None:
        company = ask(_("Company name for client letters (may be empty)"), "").strip()
    answers = Answers(language=lang, currency=currency.upper(), company=company)
    say(_("Departments: people, their monthly cost and hours. Costs in {currency}.")
        .format(currency=answers.currency))
    for code, department in template.departments.items():
        line = _department(ask, say, _, code, department.label, lang)
        if line is not None:
            answers.staff.append(line)
    while True:
        code = ask(_("Another department? Its code (Latin letters, digits, _), empty to finish"),
                   "").strip()
        if not code:
            break
        if not CODE.match(code) or code in {s.department for s in answers.staff}:
            say(_("Not a new code: {code}").format(code=code))
            continue
        label = ask(_("Its name as people say it"), "").strip()
        line = _department(ask, say, _, code, label, lang)
        if line is not None:
            answers.staff.append(line)
    if not answers.staff:
        say(_("No departments with people: every department is scaled from revenue instead"))
        return answers
    answers.activities = _activities(template, answers.staff, ask, say, _, lang)
    return answers


def _activities(template: Settings, staff: list[StaffLine], ask: Ask, say: Say,
                _: Callable[[str], str], lang: str) -> list[ActivityChoice]:
    """For each department its template activities (kept? minutes?); then the activities whose
    department is not there: which department does them, if any."""
    codes = [s.department for s in staff]
    chosen: list[ActivityChoice] = []
    asked: set[str] = set()
    for code in codes:
        for name, activity in template.activities.items():
            if activity.department != code:
                continue
            asked.add(name)
            label = term_label(name, lang, activity.label)
            if not _yes(ask, say, _, _("{department} does {activity}?").format(
                    department=term_label(code, lang), activity=label), True):
                continue
            minutes = _number(ask, say, _, _("{activity}: standard minutes per event")
                              .format(activity=label), f"{activity.minutes:g}")
            chosen.append(ActivityChoice(name, code, minutes))
    none = _("none")
    for name, activity in template.activities.items():
        if name in asked:
            continue
        label = term_label(name, lang, activity.label)
        while True:
            answer = ask(_("Which department does {activity}? ({choices})").format(
                activity=label, choices=", ".join([*codes, none])), none).strip()
            if answer in codes or answer in (none, "none"):
                break
            say(_("Not among the departments: {answer}").format(answer=answer))
        if answer in codes:
            minutes = _number(ask, say, _, _("{activity}: standard minutes per event")
                              .format(activity=label), f"{activity.minutes:g}")
            chosen.append(ActivityChoice(name, answer, minutes))
    return chosen
