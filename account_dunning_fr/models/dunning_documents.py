# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Helpers shared by the dunning documents (letters, formal notices, statements, dossiers)."""

import re

from odoo.tools import SQL

# Ageing buckets of statements and dossiers: (key, first day late, last day late or None).
AGEING_BUCKETS = [
    ("not_due", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
]


def ageing_bucket(days_late):
    """Key of the ageing bucket of an item ``days_late`` days past its due date."""
    for key, first, last in AGEING_BUCKETS:
        if (first is None or days_late >= first) and (last is None or days_late <= last):
            return key
    return AGEING_BUCKETS[-1][0]


def ageing_labels(env):
    """{bucket key: column title} in the environment's language."""
    return {
        "not_due": env._("Not due"),
        "1_30": env._("1-30 days"),
        "31_60": env._("31-60 days"),
        "61_90": env._("61-90 days"),
        "91_plus": env._("Over 90 days"),
    }


def partner_registration(partner):
    """(SIREN, SIRET, company ID) of a company: the SIREN is the first nine digits of the SIRET
    or of the company ID; empty strings when unknown."""
    partner = partner.commercial_partner_id
    siret = re.sub(r"\D", "", partner["siret"] or "") if "siret" in partner._fields else ""
    registry = re.sub(r"\s", "", partner.company_registry or "")
    siren = siret[:9] if len(siret) >= 9 else ""
    if not siren and re.fullmatch(r"\d{9}(\d{5})?", registry):
        siren = registry[:9]
        siret = siret or (registry if len(registry) == 14 else "")
    return siren, siret, registry


def format_siren(siren):
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def partner_identifiers(env, partner):
    """Lines identifying a company or a person in a legal document: SIREN (first nine digits of
    the SIRET or of the company ID), SIRET, VAT number."""
    partner = partner.commercial_partner_id
    siren, siret, registry = partner_registration(partner)
    identifiers = []
    if siren:
        number = format_siren(siren)
        identifiers.append(env._("SIREN: %(number)s", number=number))
    if siret:
        identifiers.append(env._("SIRET: %(number)s", number=siret))
    elif registry and not siren:
        identifiers.append(env._("Company ID: %(number)s", number=registry))
    if partner.vat:
        identifiers.append(env._("VAT: %(number)s", number=partner.vat))
    return identifiers


def ensure_portal_tokens(moves):
    """Give the invoices without one a portal access token, in one statement (the portal link
    of a letter must not cost one write per invoice)."""
    if not moves:
        return
    moves.flush_recordset(["access_token"])
    moves.env.execute_query(
        SQL(
            "UPDATE account_move SET access_token = gen_random_uuid()::text "
            "WHERE id = ANY(%s) AND access_token IS NULL",
            moves.ids,
        )
    )
    moves.invalidate_recordset(["access_token"])
