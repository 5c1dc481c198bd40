"""Which client a call, message or activity belongs to.

Order: a CRM company id equal to a client_id; a CRM company name equal to the client's name; the
outside phone numbers; the outside e-mail addresses, by full address and then by domain. A domain
is either written in `clients.emails` as `@acme.ru` or taken from the client's listed addresses
when no other client has addresses there; public mail domains (gmail.com, mail.ru, …) never
match by domain, since thousands of unrelated people write from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from clientload.sources.config import SourceConfig
from clientload.sources.parties import email_domain, normalise_email, normalise_phone, split_list
from clientload.sources.records import SourceRecord

# Salesforce ids come as 15 case-sensitive characters or 18 with a checksum suffix.
_SALESFORCE_SHORT = 15


@dataclass
class Match:
    client_ids: list[str]
    unmatched_key: str = ""
    reason: str = ""


@dataclass
class ClientDirectory:
    """The clients' ids, names, phones, addresses and domains, ready for look-ups."""

    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    shared_entries: int = 0

    @classmethod
    def from_clients(
        cls, clients: Iterable[tuple[str, str | None, str | None, str | None]], cfg: SourceConfig
    ) -> ClientDirectory:
        """Rows of (client_id, name, phones, emails); the first client wins a shared entry."""
        d = cls()
        derived: dict[str, set[str]] = {}
        for client_id, name, phones, emails in clients:
            client_id = str(client_id)
            d.ids.setdefault(client_id, client_id)
            if len(client_id) == 18:
                d.ids.setdefault(client_id[:_SALESFORCE_SHORT], client_id)
            if name:
                d.names.setdefault(name.strip().casefold(), client_id)
            for phone in filter(None, map(normalise_phone, split_list(phones))):
                d._add(d.phones, phone, client_id)
            for entry in split_list(emails):
                entry = entry.lower()
                address = normalise_email(entry)
                if address:
                    d._add(d.addresses, address, client_id)
                    derived.setdefault(email_domain(address), set()).add(client_id)
                else:
                    d._add(d.domains, entry.lstrip("@"), client_id)
        for domain, owners in derived.items():
            if len(owners) == 1 and not cfg.is_public_domain(domain):
                d.domains.setdefault(domain, next(iter(owners)))
        return d

    def _add(self, index: dict[str, str], key: str, client_id: str) -> None:
        if index.setdefault(key, client_id) != client_id:
            self.shared_entries += 1

    def match(self, record: SourceRecord, cfg: SourceConfig) -> Match:
        found: list[str] = []
        for crm_id in record.crm_ids:
            client = self.ids.get(crm_id) or self.ids.get(crm_id[:_SALESFORCE_SHORT])
            if client:
                return Match([client])
        for name in record.crm_names:
            client = self.names.get(name.strip().casefold())
            if client:
                return Match([client])
        for phone in record.phones:
            if phone in self.phones:
                return Match([self.phones[phone]])
        for address in record.emails:
            client = self.addresses.get(address)
            domain = email_domain(address)
            if client is None and not cfg.is_public_domain(domain):
                client = self.domains.get(domain)
            if client and client not in found:
                found.append(client)
                if not record.one_per_client:
                    break
        if found:
            return Match(found)
        return self._unmatched(record, cfg)

    @staticmethod
    def _unmatched(record: SourceRecord, cfg: SourceConfig) -> Match:
        if record.phones:
            return Match([], record.phones[0], f"no client has the phone {record.phones[0]}")
        if record.emails:
            address = record.emails[0]
            domain = email_domain(address)
            if cfg.is_public_domain(domain):
                return Match(
                    [],
                    address,
                    f"no client has the address {address} "
                    f"({domain} is a public mail domain, so it is not matched by domain)",
                )
            return Match(
                [], "@" + domain, f"no client has the address {address} or the domain @{domain}"
            )
        if record.crm_ids or record.crm_names:
            what = ", ".join([*record.crm_ids, *record.crm_names])
            return Match([], f"crm:{what}", f"no client has the CRM id or name {what}")
        return Match([], "(none)", "the record names no phone, e-mail or CRM company to match")
