# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class AccountDunningWorklistReschedule(models.TransientModel):
    """A new date for the activities and calls selected in the worklist."""

    _name = "account.dunning.worklist.reschedule"
    _description = "Reschedule Collection Work"

    activity_ids = fields.Many2many("mail.activity", string="Activities", readonly=True)
    skipped = fields.Integer(string="Other Rows", readonly=True)
    date = fields.Date(
        string="New Date",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=1),
    )

    def action_confirm(self):
        self.ensure_one()
        if self.date < fields.Date.context_today(self):
            raise UserError(self.env._("The new date cannot be in the past."))
        activities = self.activity_ids.exists()
        activities.sudo().write({"date_deadline": self.date})  # as in action_mark_done
        return self.env["account.dunning.worklist"]._notify(
            self.env._(
                "%(done)s activity(ies) moved to %(date)s, %(skipped)s other row(s) left as they are.",
                done=len(activities),
                date=format_date(self.env, self.date),
                skipped=self.skipped,
            )
        )
