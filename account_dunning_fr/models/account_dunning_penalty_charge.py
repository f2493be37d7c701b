# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models


class AccountDunningPenaltyCharge(models.Model):
    """What a posted penalty invoice charged for one late invoice: the interest up to a date
    and the recovery indemnity. Later computations deduct it, so nothing is charged twice."""

    _name = "account.dunning.penalty.charge"
    _description = "Charged Late-Payment Penalty"
    _order = "move_id, date_to, id"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", string="Late Invoice", required=True, index=True, ondelete="restrict"
    )
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="penalty_move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="penalty_move_id.currency_id", store=True)
    date_from = fields.Date(string="Interest From")
    date_to = fields.Date(string="Interest Charged Until", required=True)
    interest_amount = fields.Monetary(currency_field="currency_id")
    indemnity_amount = fields.Monetary(currency_field="currency_id")
