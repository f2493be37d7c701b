# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


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
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    indemnity_company_amount = fields.Monetary(
        string="Recovery Indemnity (Company Currency)",
        currency_field="company_currency_id",
        help="The recovery indemnity as claimed: 40 EUR (D441-5), whatever the invoice's "
        "currency; the indemnity in the invoice's currency is its counter-value at the due "
        "date.",
    )
    missing_rate_semesters = fields.Char(
        readonly=True,
        help="First days of the semesters whose reference rate was missing (ISO dates, comma "
        "separated): the late interest leaves them out.",
    )
    interest_note = fields.Char(
        string="Interest Incomplete",
        compute="_compute_interest_note",
        help="Says that the late interest is incomplete, and which rate is missing.",
    )

    @api.depends("missing_rate_semesters")
    @api.depends_context("lang")
    def _compute_interest_note(self):
        Rate = self.env["account.dunning.rate"]
        for line in self:
            starts = line._get_missing_rate_starts()
            line.interest_note = bool(starts) and Rate._get_incomplete_mention(starts)

    def _get_missing_rate_starts(self):
        self.ensure_one()
        return [
            fields.Date.to_date(day)
            for day in (self.missing_rate_semesters or "").split(",")
            if day
        ]

    @api.model
    def _format_missing_rate_semesters(self, penalty):
        """The stored form of a penalty's missing semesters (see ``missing_rate_semesters``)."""
        return ",".join(day.isoformat() for day in penalty.get("missing", ())) or None

    @api.model_create_multi
    def create(self, vals_list):
        # made with their communication by the dunning run, never by hand
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The invoices of a communication are recorded by the dunning run: they "
                    "cannot be added by hand."
                )
            )
        lines = super().create(vals_list)
        if any(comm.state not in ("draft", "waiting_rates") for comm in lines.communication_id):
            raise UserError(
                self.env._("Lines cannot be added to a validated, sent or cancelled communication.")
            )
        return lines

    def write(self, vals):
        comms = self.communication_id
        if "communication_id" in vals:
            comms |= comms.browse(vals["communication_id"])
        if any(comm.state not in ("draft", "waiting_rates") for comm in comms):
            raise UserError(
                self.env._("The invoices of a communication are frozen once it is validated.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_evidence(self):
        # Before sending, an invoice no longer owed is left out (communication._send).
        if any(
            line.communication_id.state != "draft"
            and not (line.communication_id.state == "to_send" and not line._is_still_due())
            for line in self
        ):
            raise UserError(
                self.env._("The invoices of a communication are frozen once it is validated.")
            )

    def _is_still_due(self):
        """The invoice is still owed: posted, not paid in full."""
        self.ensure_one()
        return bool(
            self.move_id.filtered_domain(self.env["account.move"]._dunning_open_invoice_domain())
        )
