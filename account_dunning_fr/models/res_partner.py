# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "account.dunning.policy",
        company_dependent=True,
        domain=lambda self: [("company_id", "=", self.env.company.id)],
        help="Leave empty to use the company's default policy. Decided on the commercial "
        "entity: contacts follow their company.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        domain=[("share", "=", False)],
        help="Person in charge of collecting this customer's debts: gets the phone calls.",
    )
    dunning_excluded = fields.Boolean(
        string="Exclude from Dunning",
        help="No reminder is ever produced for this customer.",
    )
    dunning_credit_hold = fields.Boolean(
        string="Credit Hold",
        help="Set by hand or by a dunning level: the customer must pay before new sales.",
    )
    dunning_customer_kind = fields.Selection(
        [("b2b", "Professional"), ("b2c", "Consumer")],
        string="Customer Kind",
        compute="_compute_dunning_customer_kind",
        store=True,
        readonly=False,
        help="Consumers owe no recovery indemnity, interest only from the formal notice, and "
        "their debts are time-barred after 2 years. Computed from 'Is a Company'; set it by "
        "hand for a sole trader recorded as an individual.",
    )
    dunning_penalty_clause_id = fields.Many2one(
        "account.dunning.penalty.clause",
        string="Penalty Clause",
        company_dependent=True,
        domain=lambda self: [("company_id", "=", self.env.company.id)],
        help="Late-payment terms agreed with this customer. Empty: the company's default "
        "clause (its consumer clause for consumers).",
    )
    dunning_insolvency_state = fields.Selection(
        [
            ("safeguard", "Safeguard (sauvegarde)"),
            ("receivership", "Receivership (redressement judiciaire)"),
            ("liquidation", "Liquidation (liquidation judiciaire)"),
        ],
        string="Insolvency Proceedings",
        tracking=True,
        help="Collective proceedings opened against the customer: dunning stops and no "
        "interest or indemnity accrues; the claim is declared to the court-appointed "
        "representative.",
    )
    dunning_insolvency_date = fields.Date(
        string="Publication Date", help="Date of publication of the judgment (BODACC)."
    )
    dunning_communication_ids = fields.One2many(
        "account.dunning.communication",
        "partner_id",
        string="Dunning Communications",
        groups="account_dunning_fr.group_dunning_user",
    )
    dunning_communication_count = fields.Integer(
        compute="_compute_dunning_communication_count",
        groups="account_dunning_fr.group_dunning_user",
    )

    dunning_interest_total = fields.Monetary(
        string="Late Interest Due",
        compute="_compute_dunning_penalty_totals",
        currency_field="currency_id",
        groups="account_dunning_fr.group_dunning_user",
        help="Late-payment interest accrued on the customer's invoices and not charged yet, "
        "as of today, in the company currency.",
    )
    dunning_indemnity_total = fields.Monetary(
        string="Indemnities Due",
        compute="_compute_dunning_penalty_totals",
        currency_field="currency_id",
        groups="account_dunning_fr.group_dunning_user",
    )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "dunning_collector_id",
            "dunning_excluded",
            "dunning_credit_hold",
            "dunning_insolvency_state",
            "dunning_customer_kind",
            "dunning_insolvency_date",
        ]

    @api.depends("is_company", "parent_id.is_company", "commercial_partner_id.is_company")
    def _compute_dunning_customer_kind(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            if commercial != partner and commercial.dunning_customer_kind:
                partner.dunning_customer_kind = commercial.dunning_customer_kind
            else:
                partner.dunning_customer_kind = "b2b" if commercial.is_company else "b2c"

    def _compute_dunning_communication_count(self):
        groups = self.env["account.dunning.communication"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_communication_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_penalty_totals(self):
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", "<", today),
            ]
        )
        interest, indemnity = defaultdict(float), defaultdict(float)
        try:
            penalties = moves._dunning_get_penalties(today)
        except UserError:
            penalties = {}  # a reference rate is missing: the invoices say which one
        company = self.env.company
        for move in moves:
            penalty = penalties.get(move.id)
            if not penalty:
                continue
            partner_id = move.commercial_partner_id.id
            for key, total in (("interest", interest), ("indemnity", indemnity)):
                total[partner_id] += move.currency_id._convert(
                    penalty[key], company.currency_id, company, today
                )
        for partner in self:
            partner.dunning_interest_total = interest[partner.commercial_partner_id.id]
            partner.dunning_indemnity_total = indemnity[partner.commercial_partner_id.id]

    def action_dunning_create_penalty_invoice(self):
        """Charge the customer's accrued late-payment interest and indemnities."""
        self.ensure_one()
        late = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        )
        return late.action_dunning_create_penalty_invoice()

    def _get_dunning_policy(self):
        """Effective policy of the commercial partner in the current company."""
        self.ensure_one()
        policy = self.commercial_partner_id.dunning_policy_id
        if not policy:
            defaults = self.env["account.dunning.policy"]._get_default_for_companies(
                self.env.company
            )
            policy = defaults.get(self.env.company.id, self.env["account.dunning.policy"])
        return policy

    def action_view_dunning_communications(self):
        self.ensure_one()
        return self.env["account.dunning.communication"]._action_view(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )
