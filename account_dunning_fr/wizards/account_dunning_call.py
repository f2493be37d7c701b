# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .account_dunning_followup import CALL_TYPE

CALL_OUTCOMES = [
    ("reached", "Reached, will pay"),
    ("promise", "Promised to pay"),
    ("dispute", "Disputes the debt"),
    ("refused", "Refuses to pay"),
    ("message", "Left a message"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
]


class AccountDunningCall(models.TransientModel):
    """A phone call to a customer, logged in its chatter as a done call (the call activities
    given, from the worklist, are marked done with it), and the next call planned."""

    _name = "account.dunning.call"
    _description = "Log a Dunning Call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    activity_ids = fields.Many2many("mail.activity", string="Planned Calls", readonly=True)
    outcome = fields.Selection(CALL_OUTCOMES, required=True)
    note = fields.Text()
    next_date = fields.Date(string="Next Call", help="Plan the next call on this date.")
    next_user_id = fields.Many2one(
        "res.users",
        string="Next Call By",
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )

    @api.model
    def _action_open(self, partner, activities=None):
        call = self.create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "activity_ids": [(6, 0, (activities or self.env["mail.activity"]).ids)],
                "next_user_id": (
                    partner.commercial_partner_id.dunning_collector_id or self.env.user
                ).id,
                "outcome": "reached",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": self._name,
            "res_id": call.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def _get_body(self):
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        body = Markup("<p>%s</p>") % self.env._(
            "Call: %(outcome)s.", outcome=outcomes[self.outcome]
        )
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        if self.next_date:
            body += Markup("<p>%s</p>") % self.env._(
                "Next call on %(date)s.", date=format_date(self.env, self.next_date)
            )
        return body

    def action_confirm(self):
        """Collectors log calls on customers whose contact details they may not edit: the
        note and the activities are written as them, beyond their rights on contacts."""
        self.ensure_one()
        if self.next_date and self.next_date < fields.Date.context_today(self):
            raise UserError(self.env._("The next call cannot be planned in the past."))
        body = self._get_body()
        call_type = self.env.ref(CALL_TYPE)
        activities = self.activity_ids.exists().sudo()
        partner = self.partner_id.sudo()
        if activities:
            activities.action_feedback(feedback=body)
        else:
            partner.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                mail_activity_type_id=call_type.id,
            )
        if self.next_date:
            partner.activity_schedule(
                CALL_TYPE,
                date_deadline=self.next_date,
                summary=self.env._("Call %(customer)s", customer=self.partner_id.name),
                note=self.note,
                user_id=self.next_user_id.id or self.env.uid,
            )
        return {"type": "ir.actions.act_window_close"}
