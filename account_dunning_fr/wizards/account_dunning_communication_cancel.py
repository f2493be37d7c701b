# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models


class AccountDunningCommunicationCancel(models.TransientModel):
    """Cancel communications with the reason kept as evidence."""

    _name = "account.dunning.communication.cancel"
    _description = "Cancel Dunning Communications"

    communication_ids = fields.Many2many(
        "account.dunning.communication",
        "account_dunning_communication_cancel_rel",
        "wizard_id",
        "communication_id",
        default=lambda self: self.env.context.get("active_ids"),
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        return self.communication_ids.action_cancel(self.reason)
