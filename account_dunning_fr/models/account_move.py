# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError

OPEN_PAYMENT_STATES = ("not_paid", "partial")


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Level of the last communication sent about this invoice.",
    )
    dunning_last_date = fields.Date(
        string="Last Dunning Date",
        readonly=True,
        copy=False,
        help="Date of the last communication sent about this invoice.",
    )
    dunning_next_date = fields.Date(
        string="Next Dunning Date",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Earliest date of the next level, as computed by the last dunning run.",
    )
    dunning_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_dunning_days_overdue"
    )
    dunning_level_override_id = fields.Many2one(
        "account.dunning.level",
        string="Level Override",
        copy=False,
        tracking=True,
        help="Forces the level of the next communication about this invoice (higher or "
        "lower than the rule would give). Cleared once that communication is sent.",
    )
    dunning_disputed = fields.Boolean(
        string="Disputed", copy=False, tracking=True, index="btree_not_null"
    )
    dunning_dispute_reason = fields.Char(string="Dispute Reason", copy=False, tracking=True)
    dunning_dispute_date = fields.Date(string="Dispute Date", copy=False)
    dunning_dispute_note = fields.Text(string="Dispute Note", copy=False)
    dunning_communication_line_ids = fields.One2many(
        "account.dunning.communication.line",
        "move_id",
        string="Dunning Lines",
        readonly=True,
        groups="account_dunning_fr.group_dunning_user",
    )
    dunning_communication_count = fields.Integer(
        compute="_compute_dunning_communication_count",
        groups="account_dunning_fr.group_dunning_user",
    )

    @api.depends_context("dunning_date")
    @api.depends("invoice_date_due", "payment_state", "state")
    def _compute_dunning_days_overdue(self):
        today = self.env.context.get("dunning_date") or fields.Date.context_today(self)
        for move in self:
            if (
                move.state == "posted"
                and move.payment_state in OPEN_PAYMENT_STATES
                and move.invoice_date_due
                and move.invoice_date_due < today
            ):
                move.dunning_days_overdue = (today - move.invoice_date_due).days
            else:
                move.dunning_days_overdue = 0

    def _compute_dunning_communication_count(self):
        groups = self.env["account.dunning.communication.line"]._read_group(
            [("move_id", "in", self.ids)],
            ["move_id"],
            ["communication_id:count_distinct"],
        )
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.dunning_communication_count = counts.get(move.id, 0)

    @api.onchange("dunning_disputed")
    def _onchange_dunning_disputed(self):
        if self.dunning_disputed and not self.dunning_dispute_date:
            self.dunning_dispute_date = fields.Date.context_today(self)

    def write(self, vals):
        if vals.get("dunning_disputed") and "dunning_dispute_date" not in vals:
            vals = dict(vals, dunning_dispute_date=fields.Date.context_today(self))
        return super().write(vals)

    def action_dunning_set_dispute(self):
        """Flag the invoices as disputed: they leave the dunning process."""
        if any(move.move_type != "out_invoice" for move in self):
            raise UserError(self.env._("Only customer invoices can be disputed."))
        self.write({"dunning_disputed": True})

    def action_dunning_clear_dispute(self):
        self.write({"dunning_disputed": False, "dunning_dispute_date": False})

    def action_view_dunning_communications(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_communication"
        )
        action["domain"] = [("line_ids.move_id", "in", self.ids)]
        action["context"] = {}
        return action
