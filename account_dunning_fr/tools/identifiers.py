# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""French company identifiers, without ``env``: the SIREN (nine digits) is the first part of the
SIRET (fourteen digits, one per establishment); either may be written as the company ID."""

import re


def registration_numbers(siret, company_registry):
    """(SIREN, SIRET, company ID) from what a partner records: its SIRET (any separators) and
    its company ID (spaces removed). The SIREN is the first nine digits of the SIRET, or of a
    company ID of nine or fourteen digits, which then stands for the SIRET when it has
    fourteen; empty strings when unknown."""
    siret = re.sub(r"\D", "", siret or "")
    registry = re.sub(r"\s", "", company_registry or "")
    siren = siret[:9] if len(siret) >= 9 else ""
    if not siren and re.fullmatch(r"\d{9}(\d{5})?", registry):
        siren = registry[:9]
        siret = siret or (registry if len(registry) == 14 else "")
    return siren, siret, registry


def format_siren(siren):
    """A SIREN as it is printed: three groups of three digits ("732 829 320")."""
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"
