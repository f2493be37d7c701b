# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models


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

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "dunning_collector_id",
            "dunning_excluded",
            "dunning_credit_hold",
        ]

    def _compute_dunning_communication_count(self):
        groups = self.env["account.dunning.communication"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_communication_count = counts.get(partner.commercial_partner_id.id, 0)

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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_communication"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action
