# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountDunningCommunicationLine(models.Model):
    """An invoice in a communication, with its figures frozen when the communication was made.

    The snapshot is evidence: later payments do not rewrite what the customer was told.
    """

    _name = "account.dunning.communication.line"
    _description = "Dunning Communication Line"
    _order = "communication_id, date_due, id"

    communication_id = fields.Many2one(
        "account.dunning.communication", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="communication_id.company_id", store=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True)
    move_name = fields.Char(string="Number", required=True)
    invoice_date = fields.Date()
    date_due = fields.Date(string="Due Date")
    days_overdue = fields.Integer(string="Days Late")
    currency_id = fields.Many2one("res.currency", required=True)
    amount_total = fields.Monetary(string="Invoice Total", currency_field="currency_id")
    amount_due = fields.Monetary(currency_field="currency_id")
    level_id = fields.Many2one("account.dunning.level")
    interest_amount = fields.Monetary(
        string="Late Interest",
        currency_field="currency_id",
        help="Late-payment interest accrued and not charged yet when the communication was made.",
    )
    indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        currency_field="currency_id",
        help="Fixed recovery indemnity owed and not charged yet when the communication was made.",
    )
    # Where the invoice was when the communication was sent (restored if it is cancelled).
    previous_level_id = fields.Many2one(
        "account.dunning.level", string="Level Before Sending", readonly=True
    )
    previous_last_date = fields.Date(string="Last Dunning Date Before Sending", readonly=True)
    previous_override_id = fields.Many2one(
        "account.dunning.level", string="Level Override Before Sending", readonly=True
    )
    previous_recorded = fields.Boolean(string="Position Before Sending Recorded", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if any(comm.state in ("sent", "cancelled") for comm in lines.communication_id):
            raise UserError(
                self.env._("Lines cannot be added to a sent or cancelled communication.")
            )
        return lines

    def write(self, vals):
        if any(line.communication_id.state != "draft" for line in self):
            raise UserError(
                self.env._("The invoices of a communication are frozen once it is validated.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        if any(line.communication_id.state != "draft" for line in self):
            raise UserError(
                self.env._("The invoices of a communication are frozen once it is validated.")
            )
