# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AccountDunningPaymentPlanInstallment(models.Model):
    """One installment of a payment plan. What is paid on the plan's invoices is allocated to
    the installments in date order."""

    _name = "account.dunning.payment.plan.installment"
    _description = "Payment Plan Installment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one(
        "account.dunning.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    amount_paid = fields.Monetary(compute="_compute_payment", currency_field="currency_id")
    state = fields.Selection(
        [("due", "To Come"), ("paid", "Paid"), ("late", "Late")],
        compute="_compute_payment",
    )

    @api.depends("plan_id.amount_paid", "amount", "date")
    def _compute_payment(self):
        today = fields.Date.context_today(self)
        allocated = {}
        for plan in self.plan_id:
            available = plan.amount_paid
            for installment in plan.installment_ids.sorted(lambda i: (i.date or today, i.id)):
                paid = min(available, installment.amount)
                available -= paid
                allocated[installment.id] = paid
        for installment in self:
            paid = allocated.get(installment.id, 0.0)
            installment.amount_paid = paid
            if paid >= installment.amount - 0.005:
                installment.state = "paid"
            elif installment.date and installment.date < today:
                installment.state = "late"
            else:
                installment.state = "due"

    @api.constrains("amount")
    def _check_amount(self):
        if any(installment.amount <= 0 for installment in self):
            raise ValidationError(self.env._("An installment must have a positive amount."))

    @api.model_create_multi
    def create(self, vals_list):
        installments = super().create(vals_list)
        installments._check_plan_draft()
        return installments

    def write(self, vals):
        self._check_plan_draft()
        return super().write(vals)

    def unlink(self):
        self._check_plan_draft()
        return super().unlink()

    def _check_plan_draft(self):
        """The schedule agreed and signed with the customer is evidence: it is not changed once
        the plan is active. Cancel the plan and agree a new one instead."""
        if any(installment.plan_id.state != "draft" for installment in self):
            raise UserError(
                self.env._(
                    "The installments of an active or closed payment plan cannot be changed: "
                    "cancel the plan and agree a new one."
                )
            )
