# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dunning_documents import partner_identifiers
from ..models.dunning_legal_forms import legal_identity_lines
from ..models.res_partner import CLAIM_DECLARATION_MONTHS


class ReportDunningClaimDeclaration(models.AbstractModel):
    """Declaration of Claim (déclaration de créance, C. com. L622-24 and R622-23): addressed to
    the court-appointed representative of the debtor's insolvency proceedings; the creditor, the
    debtor, the proceedings, the amounts by nature (principal due and not yet due, interest to
    the opening judgment, recovery indemnities), privileges, the invoices, date and signature.
    In French when French is installed: it goes to a French court representative."""

    _name = "report.account_dunning_fr.report_dunning_claim_declaration"
    _description = "Declaration of Claim Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lang = self.env["res.lang"]._get_code("fr_FR") or self.env.user.lang
        report = self.with_context(lang=lang or self.env.lang)
        env = report.env
        data = data or {}
        company = env["res.company"].browse(data.get("company_id")) or env.company
        partners = env["res.partner"].browse(docids).commercial_partner_id
        outside = partners.filtered(lambda partner: not partner.dunning_insolvency_state)
        if outside:
            raise UserError(
                env._(
                    "%(customers)s is not in insolvency proceedings: there is no claim to "
                    "declare.",
                    customers=", ".join(outside.mapped("display_name")),
                )
            )
        declarations = partners._dunning_get_claim_declarations(company)
        states = dict(
            env["res.partner"]._fields["dunning_insolvency_state"]._description_selection(env)
        )
        details = {}
        for partner in partners:
            publication = partner.dunning_insolvency_date
            details[partner.id] = {
                "proceedings": states[partner.dunning_insolvency_state],
                "representative_title": partner._dunning_representative_title(),
                "deadline": publication
                and publication + relativedelta(months=CLAIM_DECLARATION_MONTHS),
                "identifiers": partner_identifiers(env, partner),
                "legal_identity": legal_identity_lines(env, partner),
            }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "declaration_lang": lang,
            "company": company,
            "as_of": fields.Date.context_today(self),
            "declarations": declarations,
            "details": details,
            "creditor_identifiers": partner_identifiers(env, company.partner_id),
            "creditor_identity": legal_identity_lines(env, company.partner_id),
        }
