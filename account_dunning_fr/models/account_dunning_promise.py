# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from .dunning_feedback import done_notification


class AccountDunningPromise(models.Model):
    """A customer's promise to pay an amount by a date: escalation pauses until the date plus
    the grace days. Kept when the customer's receivable went down by the amount since the
    promise; broken otherwise, and escalation resumes at the next level."""

    _name = "account.dunning.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "account.dunning.bounds.mixin"]
    _order = "date, id"
    _check_company_auto = True
    _dunning_bounds = {"grace_days": (0, 365)}

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Promised Date", required=True, tracking=True)
    amount = fields.Monetary(required=True, currency_field="currency_id", tracking=True)
    contact_id = fields.Many2one(
        "res.partner", check_company=True, help="Who made the promise on the customer's side."
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user, tracking=True
    )
    note = fields.Text()
    grace_days = fields.Integer(
        default=3, help="Days after the promised date before the promise counts as broken."
    )
    state = fields.Selection(
        [("open", "Pending"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        required=True,
        default="open",
        tracking=True,
        index=True,
    )
    date_recorded = fields.Date(
        string="Recorded On",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="Payments received from this date on count towards the promise.",
    )
    receivable_at_promise = fields.Monetary(
        string="Receivable When Promised",
        readonly=True,
        currency_field="currency_id",
        help="The customer's open receivable when the promise was recorded.",
    )
    received_before = fields.Monetary(
        string="Received Before the Promise",
        readonly=True,
        currency_field="currency_id",
        help="Payments of the customer dated the day the promise was recorded and already "
        "received when it was recorded: they do not count towards it.",
    )
    amount_received = fields.Monetary(
        compute="_compute_amount_received",
        currency_field="currency_id",
        help="Payments received from the customer since the promise was recorded, whatever "
        "the invoices they settle; new invoices do not reduce it.",
    )
    pause_until = fields.Date(compute="_compute_pause_until", store=True)

    @api.depends("date", "grace_days")
    def _compute_pause_until(self):
        for promise in self:
            promise.pause_until = promise.date and promise.date + timedelta(days=promise.grace_days)

    def _compute_amount_received(self):
        dated = self.filtered("date_recorded")
        payments = (
            dated._get_payments(
                dated.partner_id, dated.company_id, min(dated.mapped("date_recorded"))
            )
            if dated
            else {}
        )
        for promise in self:
            promise.amount_received = sum(
                amount
                for day, amount in payments.get((promise.partner_id.id, promise.company_id.id), [])
                if day >= promise.date_recorded
            ) - (promise.received_before if promise.date_recorded else 0.0)

    @api.constrains("amount", "grace_days")
    def _check_amount(self):
        for promise in self:
            if promise.amount <= 0 or promise.grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "A promise to pay needs a positive amount and no negative grace days."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        partners = Partner.browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )
        companies = self.env["res.company"].browse(
            [vals.get("company_id") or self.env.company.id for vals in vals_list]
        )
        receivables = partners._dunning_get_receivables(companies)
        today = fields.Date.context_today(self)
        paid_today = self._get_payments(partners.commercial_partner_id, companies, today, today)
        for vals in vals_list:
            if vals.get("partner_id"):
                commercial = Partner.browse(vals["partner_id"]).commercial_partner_id
                vals["partner_id"] = commercial.id
                company_id = vals.get("company_id") or self.env.company.id
                vals["receivable_at_promise"] = receivables.get((commercial.id, company_id), 0.0)
                # What the customer paid today before promising does not keep the promise.
                if fields.Date.to_date(vals.get("date_recorded") or today) == today:
                    vals["received_before"] = sum(
                        amount for _day, amount in paid_today.get((commercial.id, company_id), [])
                    )
        promises = super().create(vals_list)
        promises._log_on_customer("recorded")
        return promises

    def action_cancel(self):
        to_cancel = self.filtered(lambda p: p.state == "open")
        if not to_cancel:
            raise UserError(self.env._("None of the selected promises is open."))
        to_cancel.write({"state": "cancelled"})
        return done_notification(
            self.env,
            self.env._(
                "%(count)s promise(s) cancelled, %(skipped)s left as they were (not open).",
                count=len(to_cancel),
                skipped=len(self - to_cancel),
            ),
        )

    @api.model
    def _get_payments(self, partners, companies, date_from, date_to=None):
        """{(commercial partner id, company id): [(day, amount)]}: what the commercial
        ``partners`` paid in ``companies`` (receivable credits of payments and bank entries, not
        credit notes) from ``date_from`` (through ``date_to``), per day, in one grouped read."""
        domain = [
            *self.env["account.move.line"]._dunning_receivable_domain(),
            ("partner_id.commercial_partner_id", "in", partners.ids),
            ("company_id", "in", companies.ids),
            ("move_id.move_type", "=", "entry"),
            ("credit", ">", 0),
            ("date", ">=", date_from),
        ]
        if date_to:
            domain.append(("date", "<=", date_to))
        groups = self.env["account.move.line"]._read_group(
            domain,
            ["partner_id", "company_id", "date:day"],
            ["credit:sum"],
        )
        payments = {}
        for partner, company, day, amount in groups:
            key = (partner.commercial_partner_id.id, company.id)
            payments.setdefault(key, []).append((day, amount))
        return payments

    @api.model
    def _dunning_pause_sql(self, date):
        """Condition on invoice ``m`` of customer ``p`` (its commercial entity): a promise to
        pay of the customer in the invoice's company, open and running on ``date`` (its date
        plus the grace days), pauses the escalation of all its invoices."""
        self.flush_model(["partner_id", "company_id", "state", "pause_until"])
        return SQL(
            """EXISTS (
                SELECT 1 FROM account_dunning_promise pr
                 WHERE pr.partner_id = p.id AND pr.company_id = m.company_id
                   AND pr.state = 'open' AND pr.pause_until >= %s)""",
            date,
        )

    def _log_on_customer(self, event):
        messages = {
            "recorded": self.env._("Promise to pay %(amount)s by %(date)s recorded."),
            "kept": self.env._("Promise to pay %(amount)s by %(date)s kept."),
            "broken": self.env._(
                "Promise to pay %(amount)s by %(date)s broken: escalation resumes at the next "
                "level."
            ),
        }
        partner_notes, promise_notes = [], []
        for promise in self:
            body = Markup("<p>%s</p>") % (
                messages[event]
                % {
                    "amount": format_amount(self.env, promise.amount, promise.currency_id),
                    "date": format_date(self.env, promise.date),
                }
            )
            partner_notes.append((promise.partner_id.id, body))
            promise_notes.append((promise.id, body))
        self.env["res.partner"]._dunning_message_log_batch(partner_notes)
        self._dunning_message_log_batch(promise_notes)

    @api.model
    def _check_promises(self, company, today):
        """Kept or broken: decide the open promises of ``company``, in batch. Returns the
        broken ones."""
        promises = self.search([("state", "=", "open"), ("company_id", "=", company.id)])
        received = {promise.id: promise.amount_received for promise in promises}
        kept = promises.filtered(lambda p: received[p.id] >= p.amount - 0.005)
        broken = (promises - kept).filtered(lambda p: p.pause_until < today)
        kept.write({"state": "kept"})
        broken.write({"state": "broken"})
        kept._log_on_customer("kept")
        broken._log_on_customer("broken")
        return broken
