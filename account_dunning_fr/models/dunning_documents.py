# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Helpers shared by the dunning documents (letters, formal notices, statements, dossiers)."""

from odoo.tools import SQL

from ..tools.identifiers import format_siren, registration_numbers


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
    """(SIREN, SIRET, company ID) of a company (see ``tools.identifiers.registration_numbers``)."""
    partner = partner.commercial_partner_id
    siret = partner["siret"] if "siret" in partner._fields else ""
    return registration_numbers(siret, partner.company_registry)


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
