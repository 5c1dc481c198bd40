"""Phones to E.164, who is inside the company, and how records find their client."""

import pytest

from clientload.settings import parse_settings
from clientload.sources.config import source_config
from clientload.sources.matching import ClientDirectory
from clientload.sources.parties import normalise_phone
from clientload.sources.records import SourceRecord

CFG = source_config(
    parse_settings('[sources]\nown_numbers = ["8 (495) 000-00-00"]\nown_domains = ["ourfirm.ru"]\n')
)
CLIENTS = [
    ("C1", "Acme", "+7 (495) 123-45-67; 89161234567", "@acme.ru"),
    ("C2", "Beta", "74957654321", "ivan.petrov@gmail.com; sales@beta.ru"),
    ("C3", "Gamma", "9031112233", None),
    ("C4", "Delta", None, "buyer@beta-holding.ru; boss@beta-holding.ru"),
    ("C5", "Epsilon", None, "lena@beta-holding.ru"),
    ("0015g00000AbCdE", "Sf", None, None),
]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("8 (916) 123-45-67", "+79161234567"),
        ("79161234567", "+79161234567"),
        ("+7 (916) 123-45-67", "+79161234567"),
        ("9161234567", "+79161234567"),
        ("4951234567", "+74951234567"),
        ("+375 29 123-45-67", "+375291234567"),
        ("810375291234567", "+375291234567"),
        ("0049301234567", "+49301234567"),
        ("101", "101"),
        ("s", None),
        ("", None),
    ],
)
def test_phones_become_e164(written, e164):
    assert normalise_phone(written) == e164


def test_extensions_and_own_numbers_are_inside():
    assert CFG.is_inside_phone("101")
    assert CFG.is_inside_phone("2001")
    assert CFG.is_inside_phone("+74950000000")
    assert not CFG.is_inside_phone("+79161234567")
    assert not CFG.is_inside_phone("12345")  # longer than extension_max_digits = 4
    assert CFG.is_inside_email("anna@ourfirm.ru")
    assert CFG.is_inside_email("anna@msk.ourfirm.ru")
    assert not CFG.is_inside_email("anna@notourfirm.ru")


def _match(**fields):
    directory = ClientDirectory.from_clients(CLIENTS, CFG)
    return directory.match(SourceRecord(line=1, key="k", type="call", **fields), CFG)


def test_a_phone_in_any_russian_form_finds_its_client():
    assert _match(phones=("+79161234567",)).client_ids == ["C1"]
    assert _match(phones=("+74957654321",)).client_ids == ["C2"]
    assert _match(phones=("+79031112233",)).client_ids == ["C3"]


def test_email_by_address_then_by_domain():
    assert _match(emails=("anyone@acme.ru",)).client_ids == ["C1"]
    assert _match(emails=("ivan.petrov@gmail.com",)).client_ids == ["C2"]
    # beta.ru is C2's own domain, taken from its listed address
    assert _match(emails=("director@beta.ru",)).client_ids == ["C2"]


def test_public_mail_domains_never_match_by_domain():
    result = _match(emails=("someone.else@gmail.com",))
    assert result.client_ids == []
    assert result.unmatched_key == "someone.else@gmail.com"
    assert "public mail domain" in result.reason


def test_a_domain_listed_by_two_clients_matches_only_their_addresses():
    assert _match(emails=("lena@beta-holding.ru",)).client_ids == ["C5"]
    unknown = _match(emails=("new@beta-holding.ru",))
    assert unknown.client_ids == []
    assert unknown.unmatched_key == "@beta-holding.ru"


def test_crm_company_id_wins_and_salesforce_short_ids_match_long_ones():
    assert _match(crm_ids=("C3",), phones=("+79161234567",)).client_ids == ["C3"]
    assert _match(crm_ids=("0015g00000AbCdEAAZ",)).client_ids == ["0015g00000AbCdE"]
    # an id that is no client's falls back to the phone
    assert _match(crm_ids=("999",), phones=("+79161234567",)).client_ids == ["C1"]
    assert _match(crm_names=("ACME",)).client_ids == ["C1"]


def test_one_interaction_per_client_for_messages():
    record = dict(emails=("a@acme.ru", "b@beta.ru", "c@acme.ru"), one_per_client=True)
    assert _match(**record).client_ids == ["C1", "C2"]


def test_bad_time_zone_is_a_clear_error():
    from clientload.errors import ClientloadError

    with pytest.raises(ClientloadError, match=r"sources\.timezone 'Mars/Base'"):
        source_config(parse_settings('[sources]\ntimezone = "Mars/Base"\n'))
