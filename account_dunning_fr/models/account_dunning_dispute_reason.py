# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models


class AccountDunningDisputeReason(models.Model):
    """Why a customer disputes an invoice: a disputed invoice is never dunned."""

    _name = "account.dunning.dispute.reason"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Dispute Reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
