# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""What a legal document says of a company's legal form and registration (the forms themselves
and their courts: ``tools.legal_forms``)."""

from ..tools.identifiers import format_siren
from ..tools.legal_forms import LEGAL_FORM_SELECTION
from .dunning_documents import partner_registration


def legal_identity_lines(env, partner):
    """Lines of a legal document naming what a company is: its legal form, its registration
    (« RCS Lyon 732 829 320 ») and who represents it. Nothing for what is not recorded."""
    partner = partner.commercial_partner_id
    lines = []
    if partner.dunning_legal_form:
        lines.append(dict(LEGAL_FORM_SELECTION)[partner.dunning_legal_form])
    siren = partner_registration(partner)[0]
    if partner.dunning_rcs_city and siren:
        lines.append(
            env._(
                "RCS %(city)s %(siren)s", city=partner.dunning_rcs_city, siren=format_siren(siren)
            )
        )
    if partner.dunning_legal_representative:
        lines.append(
            env._(
                "Represented by %(representative)s",
                representative=partner.dunning_legal_representative,
            )
        )
    return lines
