# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""What a customer is in law (legal form, registration, legal representative) and its insolvency
proceedings: the opening judgment, the court, the court-appointed representative, and the claim
each company declares."""

from collections import defaultdict

from odoo import api, fields, models

from ..tools.legal_forms import LEGAL_FORM_SELECTION
from .dunning_insolvency import is_frozen_claim
from .dunning_rights import ACCOUNTING_GROUPS, DUNNING_GROUPS


# The customer's legal identity and proceedings live apart from res_partner.py's dunning and
# credit fields (one subject per file): a second extension of the same model, on purpose.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_legal_form = fields.Selection(
        LEGAL_FORM_SELECTION,
        string="Legal Form",
        groups=ACCOUNTING_GROUPS,
        help="Decides the court of an order for payment: the tribunal de commerce for traders, "
        "artisans and commercial companies, the tribunal judiciaire for the others (liberal "
        "professions, associations, farmers, civil companies). Unknown: the court dossier asks "
        "for it.",
    )
    dunning_rcs_city = fields.Char(
        string="RCS Registry",
        groups=ACCOUNTING_GROUPS,
        help="City of the registry (greffe) where the company is registered, e.g. Lyon: "
        "printed with the SIREN as « RCS Lyon 732 829 320 ».",
    )
    dunning_legal_representative = fields.Char(
        string="Legal Representative",
        groups=ACCOUNTING_GROUPS,
        help="Name and function of the person who represents the company, e.g. « Paul Martin, "
        "gérant ».",
    )
    dunning_court_name = fields.Char(
        string="Court of the Dossier",
        company_dependent=True,
        groups=DUNNING_GROUPS,
        help="Court named on this customer's court dossier instead of the one decided from its "
        "legal form and city, e.g. « Tribunal des activités économiques de Lyon ».",
    )
    dunning_insolvency_judgment_date = fields.Date(
        string="Opening Judgment Date",
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="Interest stops from this date (C. com. L622-28); invoices of this date or later "
        "are dunned normally (L622-17).",
    )
    dunning_insolvency_court = fields.Char(
        string="Court of the Proceedings",
        groups=ACCOUNTING_GROUPS,
        help="Court that opened the proceedings, e.g. « Tribunal de commerce de Bordeaux ».",
    )
    dunning_insolvency_representative_id = fields.Many2one(
        "res.partner",
        string="Court-Appointed Representative",
        groups=ACCOUNTING_GROUPS,
        help="Mandataire judiciaire (liquidateur in a liquidation), with the address the claim "
        "is declared to.",
    )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "dunning_legal_form",
            "dunning_rcs_city",
            "dunning_legal_representative",
            "dunning_insolvency_judgment_date",
            "dunning_insolvency_court",
            "dunning_insolvency_representative_id",
        ]

    def _dunning_representative_title(self):
        """What the court-appointed representative of these proceedings is called."""
        self.ensure_one()
        if self.dunning_insolvency_state == "liquidation":
            return self.env._("liquidateur judiciaire")
        return self.env._("mandataire judiciaire")

    def _dunning_get_claim_declarations(self, company):
        """{commercial partner id: claim to declare in its proceedings by ``company``}, in the
        company's currency: the open invoices born before the opening judgment, the interest
        accrued until the day before it and the indemnities of the invoices late at it, by
        nature. Amounts in another currency are converted at the date of the judgment (today
        while unknown). One search and one penalty computation for all the customers.

        :return: {partner id: {"rows": [{"move", "residual", "residual_company",
                 "interest_company", "indemnity_company", "due"}], "totals": {"principal_due",
                 "principal_not_due", "penalties_invoiced", "interest", "indemnity", "total"},
                 "judgment_missing"}}
        """
        partners = self.commercial_partner_id.filtered("dunning_insolvency_state")
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].search(
            [
                *self.env["account.move"]._dunning_open_invoice_domain(),
                ("commercial_partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
            ],
            order="invoice_date, name, id",
        )
        moves = moves.filtered(
            lambda m: is_frozen_claim(
                m.commercial_partner_id.dunning_insolvency_state,
                m.commercial_partner_id.dunning_insolvency_judgment_date,
                m.invoice_date,
            )
        )
        penalties = moves._dunning_get_penalties(today)
        rates = {}
        for currency, partner in {(m.currency_id, m.commercial_partner_id) for m in moves}:
            day = partner.dunning_insolvency_judgment_date or today
            rates[currency, day] = currency._get_conversion_rate(
                currency, company.currency_id, company, day
            )
        result = {}
        moves_of = moves.grouped("commercial_partner_id")
        for partner in partners:
            judgment = partner.dunning_insolvency_judgment_date
            totals = defaultdict(float)
            rows = []
            for move in moves_of.get(partner, []):
                rate = rates[move.currency_id, judgment or today]
                penalty = penalties.get(move.id, {})
                row = {
                    "move": move,
                    "residual": move.amount_residual,
                    "residual_company": company.currency_id.round(move.amount_residual * rate),
                    "interest_company": company.currency_id.round(
                        penalty.get("interest", 0.0) * rate
                    ),
                    "indemnity_company": penalty.get("indemnity_company", 0.0),
                    "due": bool(judgment and move.invoice_date_due < judgment),
                }
                rows.append(row)
                if move.dunning_is_penalty_invoice:
                    totals["penalties_invoiced"] += row["residual_company"]
                elif row["due"]:
                    totals["principal_due"] += row["residual_company"]
                else:
                    totals["principal_not_due"] += row["residual_company"]
                totals["interest"] += row["interest_company"]
                totals["indemnity"] += row["indemnity_company"]
            totals["total"] = company.currency_id.round(
                sum(
                    totals[key]
                    for key in (
                        "principal_due",
                        "principal_not_due",
                        "penalties_invoiced",
                        "interest",
                        "indemnity",
                    )
                )
            )
            result[partner.id] = {
                "rows": rows,
                "totals": dict(totals),
                "judgment_missing": not judgment,
            }
        return result

    def action_dunning_print_claim_declaration(self):
        """The Declaration of Claim (déclaration de créance) of the current company."""
        return self.env.ref(
            "account_dunning_fr.action_report_dunning_claim_declaration"
        ).report_action(self.commercial_partner_id)
