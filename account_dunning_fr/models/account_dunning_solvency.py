# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

SOURCES = [
    ("kbis", "Kbis / RCS extract"),
    ("balance_sheet", "Balance sheet"),
    ("afdcc", "AFDCC score"),
    ("bdf", "Banque de France rating"),
    ("agency", "Information agency"),
    ("insurer", "Credit insurer"),
    ("court", "Court publication (BODACC)"),
    ("other", "Other"),
]
# A record is to renew from this many days before it expires.
RENEW_NOTICE_DAYS = 30


class AccountDunningSolvency(models.Model):
    """What is known of a customer's solvency, dated and sourced: confidential."""

    _name = "account.dunning.solvency"
    _description = "Customer Solvency Record"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    source = fields.Selection(SOURCES, required=True, tracking=True)
    score = fields.Char(
        string="Score or Rating",
        tracking=True,
        help="As given by the source, e.g. AFDCC score 7.2, Banque de France rating E+ 4.",
    )
    insurer_id = fields.Many2one(
        "res.partner",
        string="Credit Insurer",
        check_company=True,
        help="Allianz Trade, Coface, Atradius...",
    )
    limit_requested = fields.Monetary(currency_field="currency_id")
    limit_granted = fields.Monetary(currency_field="currency_id", tracking=True)
    insurer_status = fields.Selection(
        [("granted", "Granted"), ("reduced", "Reduced"), ("cancelled", "Cancelled")],
        string="Insurer Decision",
        tracking=True,
    )
    valid_until = fields.Date(tracking=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    comment = fields.Text()
    to_renew = fields.Boolean(
        compute="_compute_to_renew",
        search="_search_to_renew",
        help=f"Expired or expiring within {RENEW_NOTICE_DAYS} days.",
    )

    @api.depends("valid_until")
    def _compute_to_renew(self):
        limit = fields.Date.context_today(self) + timedelta(days=RENEW_NOTICE_DAYS)
        for record in self:
            record.to_renew = bool(record.valid_until and record.valid_until <= limit)

    def _search_to_renew(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on 'To Renew'."))
        limit = fields.Date.context_today(self) + timedelta(days=RENEW_NOTICE_DAYS)
        renew = [("valid_until", "!=", False), ("valid_until", "<=", limit)]
        if (operator == "=") == value:
            return renew
        return ["|", ("valid_until", "=", False), ("valid_until", ">", limit)]

    @api.constrains("source", "insurer_id", "insurer_status", "limit_granted", "limit_requested")
    def _check_insurer(self):
        for record in self:
            if record.limit_granted < 0 or record.limit_requested < 0:
                raise ValidationError(self.env._("Credit limits cannot be negative."))
            if record.source == "insurer" and not (record.insurer_id and record.insurer_status):
                raise ValidationError(
                    self.env._("A credit insurer record needs the insurer and its decision.")
                )

    @api.constrains("date", "valid_until")
    def _check_dates(self):
        for record in self:
            if record.valid_until and record.valid_until < record.date:
                raise ValidationError(
                    self.env._("A solvency record cannot expire before its date.")
                )

    @api.model
    def _get_insured_limits(self, partners, company):
        """{commercial partner id: limit} granted by the credit insurer: the most recent
        insurer decision still valid (a cancellation means no cover)."""
        today = fields.Date.context_today(self)
        records = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("source", "=", "insurer"),
                "|",
                ("valid_until", "=", False),
                ("valid_until", ">=", today),
            ],
            order="date desc, id desc",
        )
        limits = {}
        for record in records:  # most recent first
            if record.partner_id.id not in limits:
                limits[record.partner_id.id] = (
                    0.0 if record.insurer_status == "cancelled" else record.limit_granted
                )
        return limits
