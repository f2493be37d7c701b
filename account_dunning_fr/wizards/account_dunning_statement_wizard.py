# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningStatementWizard(models.TransientModel):
    """Prints the statements of account of customers for a period, in one PDF."""

    _name = "account.dunning.statement.wizard"
    _description = "Print Statements of Account"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: date(fields.Date.context_today(self).year, 1, 1),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids"))
            return partners.commercial_partner_id.ids
        return []

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The start of the period must precede its end."))

    def action_print(self):
        self.ensure_one()
        return self.env.ref("account_dunning_fr.action_report_dunning_statement").report_action(
            self.partner_ids.commercial_partner_id,
            data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
                "company_id": self.company_id.id,
            },
        )
