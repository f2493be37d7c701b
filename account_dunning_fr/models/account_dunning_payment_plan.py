# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round, format_amount, format_date

from ..tools.french import elide_before
from .dunning_feedback import done_notification
from .dunning_rights import check_dunning_manager
from .res_partner import HANDED_OVER_STATES, LITIGATION_STATES


class AccountDunningPaymentPlan(models.Model):
    """A payment plan (échéancier) agreed with a customer over a set of invoices.

    While it is active its invoices are not dunned. Payments on the invoices are allocated to
    the installments in date order; an installment not covered once its date plus the grace
    days has passed breaches the plan, and the breach action applies."""

    _name = "account.dunning.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "account.dunning.bounds.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _dunning_bounds = {"grace_days": (0, 365), "installment_count": (1, 120)}

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_ids = fields.Many2many(
        "account.move",
        "account_dunning_payment_plan_invoice_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain=lambda self: self._get_invoice_ids_domain(),
    )
    installment_ids = fields.One2many(
        "account.dunning.payment.plan.installment", "plan_id", string="Installments", copy=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("breached", "Breached"),
            ("cancelled", "Plan Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
    )
    start_date = fields.Date(readonly=True, copy=False)
    amount_total = fields.Monetary(
        string="Amount Scheduled",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="What the invoices still owed when the plan was activated.",
    )
    amount_paid = fields.Monetary(compute="_compute_amount_paid", currency_field="currency_id")
    grace_days = fields.Integer(
        default=5, help="Days after an installment's date before it counts as missed."
    )
    breach_action = fields.Selection(
        [
            ("next_level", "Resume dunning at the next level"),
            ("level", "Jump to a level"),
            ("hand_over", "Hand the debt over"),
        ],
        required=True,
        default="next_level",
        help="What happens to the invoices when an installment is missed.",
    )
    breach_level_id = fields.Many2one(
        "account.dunning.level",
        string="Level on Breach",
        check_company=True,
        help="E.g. the formal notice: the invoices go to this level at the next run.",
    )
    breach_litigation_state = fields.Selection(
        [state for state in LITIGATION_STATES if state[0] in HANDED_OVER_STATES],
        string="Hand Over To",
        help="On breach the customer's debt is handed over: automatic dunning stops.",
    )
    installment_count = fields.Integer(string="Number of Installments", default=3)
    first_date = fields.Date(string="First Installment", default=fields.Date.context_today)
    note = fields.Text(help="Terms agreed with the customer, printed on the plan.")
    signed_date = fields.Date(
        string="Signed On",
        copy=False,
        tracking=True,
        help="Date the customer signed the plan. The signature acknowledges the debt (C. civ. "
        "2240): the limitation period of the plan's invoices restarts from that date, whatever "
        "becomes of the plan.",
    )
    penalty_mode = fields.Selection(
        [("waived", "Waived"), ("included", "Included in the plan")],
        string="Accrued Penalties",
        required=True,
        default="waived",
        help="The late-payment interest and recovery indemnities accrued on the invoices: "
        "waived if the installments are paid on time, or charged on a penalty invoice added to "
        "the plan and scheduled with the invoices. The contract states the choice.",
    )
    penalty_amount = fields.Monetary(
        string="Accrued Penalties Amount",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="Interest and indemnities accrued on the invoices and not charged yet, when the "
        "installments were computed, then when the plan was activated.",
    )

    @api.depends("invoice_ids.amount_residual_signed", "amount_total", "state")
    def _compute_amount_paid(self):
        residuals = self._get_residuals()
        for plan in self:
            if plan.state in ("draft", "cancelled"):
                plan.amount_paid = 0.0
            else:
                plan.amount_paid = max(plan.amount_total - residuals.get(plan.id, 0.0), 0.0)

    @api.constrains("breach_action", "breach_level_id", "breach_litigation_state")
    def _check_breach(self):
        for plan in self:
            if plan.breach_action == "level" and not plan.breach_level_id:
                raise ValidationError(self.env._("Choose the level the invoices go to on breach."))
            if plan.breach_action == "hand_over" and not plan.breach_litigation_state:
                raise ValidationError(
                    self.env._("Choose to whom the debt is handed over on breach.")
                )

    @api.constrains("signed_date")
    def _check_signed_date(self):
        today = fields.Date.context_today(self)
        if any(plan.signed_date and plan.signed_date > today for plan in self):
            raise ValidationError(self.env._("A payment plan cannot be signed in the future."))

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        Partner.browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        for vals in vals_list:
            self._check_breach_hand_over(vals)
            if vals.get("partner_id"):  # the plan binds the company, not a contact
                vals["partner_id"] = Partner.browse(vals["partner_id"]).commercial_partner_id.id
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("account.dunning.payment.plan") or "/"
                )
        plans = super().create(vals_list)
        signed = plans.filtered("signed_date")
        signed._dunning_recompute_limitation(signed.invoice_ids)
        return plans

    def write(self, vals):
        self._check_breach_hand_over(vals)
        before = self.invoice_ids
        res = super().write(vals)
        if {"signed_date", "invoice_ids"} & set(vals):
            self._dunning_recompute_limitation(before | self.invoice_ids)
        return res

    def _dunning_recompute_limitation(self, invoices):
        """A signature restarts the limitation period of the plan's invoices: recompute them."""
        Move = self.env["account.move"]
        self.env.add_to_compute(Move._fields["dunning_limitation_date"], invoices)

    def _check_breach_hand_over(self, vals):
        """A plan that hands the debt over on breach decides a hand-over: managers only."""
        if vals.get("breach_action") == "hand_over":
            check_dunning_manager(
                self.env,
                self.env._(
                    "Only a dunning manager can agree to a payment plan that hands the debt "
                    "over on breach."
                ),
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed(self):
        if any(plan.state not in ("draft", "cancelled") for plan in self):
            raise UserError(self.env._("Only draft or cancelled payment plans can be deleted."))

    def unlink(self):
        signed_invoices = self.filtered("signed_date").invoice_ids
        res = super().unlink()
        self._dunning_recompute_limitation(signed_invoices)
        return res

    @api.model
    def _get_invoice_ids_domain(self):
        """The invoices a plan may schedule: open invoices of its customer (client-side)."""
        open_invoices = self.env["account.move"]._dunning_open_invoice_domain()
        return f"{open_invoices!r} + [('commercial_partner_id', '=', commercial_partner_id)]"

    @api.model
    def _dunning_pause_sql(self):
        """Condition on invoice ``m``: an active payment plan schedules it, which pauses its
        escalation while the installments are paid."""
        self.flush_model(["state", "invoice_ids"])
        return SQL(
            """EXISTS (
                SELECT 1 FROM account_dunning_payment_plan_invoice_rel rel
                  JOIN account_dunning_payment_plan pl ON pl.id = rel.plan_id
                 WHERE rel.move_id = m.id AND pl.state = 'active')"""
        )

    def _get_residuals(self):
        """{plan id: what its invoices still owe, company currency}, one grouped read."""
        groups = self.env["account.move"]._read_group(
            [("id", "in", self.invoice_ids.ids)], ["id"], ["amount_residual_signed:sum"]
        )
        residual_of = {move.id: amount for move, amount in groups}
        return {
            plan.id: sum(residual_of.get(move.id, 0.0) for move in plan.invoice_ids)
            for plan in self
        }

    def _get_accrued_penalties(self, as_of):
        """{plan id: interest and indemnities accrued on its invoices and not charged yet as of
        ``as_of``, company currency}, in one computation for all the plans."""
        penalties = self.invoice_ids._dunning_get_penalties(as_of)
        result = {}
        for plan in self:
            total = 0.0
            for move in plan.invoice_ids:
                penalty = penalties.get(move.id)
                if penalty:
                    total += move.currency_id._convert(
                        penalty["interest"] + penalty["indemnity"],
                        plan.currency_id,
                        plan.company_id,
                        as_of,
                    )
            result[plan.id] = plan.currency_id.round(total)
        return result

    def _add_penalty_invoices(self, as_of):
        """Charge the penalties of the plans that include them on penalty invoices (posted, in
        one batch) and add those to the plans: the installments then cover them as invoices."""
        plans = self.filtered(lambda p: p.penalty_mode == "included" and p.penalty_amount)
        if not plans:
            return
        Charge = self.env["account.dunning.penalty.charge"]
        penalty_moves = Charge._create_penalty_invoices(plans.invoice_ids, as_of)
        penalty_moves.action_post()
        for plan in plans:
            plan.invoice_ids |= penalty_moves.filtered(
                lambda m, plan=plan: m.invoice_line_ids.dunning_penalty_source_id & plan.invoice_ids
            )

    def action_generate_installments(self):
        """Replace the installments with equal monthly ones covering what the invoices owe."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only a draft plan can be rescheduled."))
        residuals = self._get_residuals()
        penalties = self._get_accrued_penalties(fields.Date.context_today(self))
        for plan in self:
            plan.penalty_amount = penalties[plan.id]
            if not plan.invoice_ids or plan.installment_count < 1 or not plan.first_date:
                raise UserError(
                    self.env._(
                        "Choose the invoices, the number of installments and the first date."
                    )
                )
            total = residuals[plan.id]
            if plan.penalty_mode == "included":
                total += plan.penalty_amount
            rounding = plan.currency_id.rounding
            share = float_round(total / plan.installment_count, precision_rounding=rounding)
            amounts = [share] * (plan.installment_count - 1)
            amounts.append(float_round(total - sum(amounts), precision_rounding=rounding))
            plan.installment_ids = [Command.clear()] + [
                Command.create(
                    {"date": plan.first_date + relativedelta(months=index), "amount": amount}
                )
                for index, amount in enumerate(amounts)
            ]
        return True

    def action_activate(self):
        """Check the plan covers open invoices of its customer, no other active plan and exactly
        what they owe, then stop dunning them while the installments are paid."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only a draft plan can be activated."))
        today = fields.Date.context_today(self)
        penalties = self._get_accrued_penalties(today)
        for plan in self:
            plan.penalty_amount = penalties[plan.id]
        self._add_penalty_invoices(today)
        residuals = self._get_residuals()
        others = self.search(
            [
                ("id", "not in", self.ids),
                ("state", "=", "active"),
                ("invoice_ids", "in", self.invoice_ids.ids),
            ]
        )
        taken = {move.id: other for other in others for move in other.invoice_ids}
        open_domain = self.env["account.move"]._dunning_open_invoice_domain()
        for plan in self:
            open_invoices = plan.invoice_ids.filtered_domain(open_domain).filtered(
                lambda m, plan=plan: m.commercial_partner_id
                == plan.partner_id.commercial_partner_id
            )
            if not plan.installment_ids or not open_invoices or open_invoices != plan.invoice_ids:
                raise UserError(
                    self.env._(
                        "A payment plan needs installments and open posted invoices of its "
                        "customer only."
                    )
                )
            other = next((taken[move.id] for move in plan.invoice_ids if move.id in taken), None)
            if other:
                raise UserError(
                    self.env._(
                        "Some invoices are already in the active payment plan %(plan)s.",
                        plan=other.name,
                    )
                )
            for move in plan.invoice_ids:
                taken[move.id] = plan
            total = residuals[plan.id]
            scheduled = sum(plan.installment_ids.mapped("amount"))
            if float_compare(total, scheduled, precision_rounding=plan.currency_id.rounding):
                raise UserError(
                    self.env._(
                        "The installments (%(scheduled)s) must add up to what the invoices "
                        "still owe (%(total)s).",
                        scheduled=format_amount(self.env, scheduled, plan.currency_id),
                        total=format_amount(self.env, total, plan.currency_id),
                    )
                )
            plan.amount_total = total
        self.write({"state": "active", "start_date": fields.Date.context_today(self)})
        self._log(self.env._("Payment plan activated: its invoices are not dunned meanwhile."))
        return done_notification(
            self.env,
            self.env._(
                "%(count)s payment plan(s) activated: %(invoices)s invoice(s) are no longer "
                "dunned while the installments are paid.",
                count=len(self),
                invoices=len(self.invoice_ids),
            ),
        )

    def action_cancel(self):
        to_cancel = self.filtered(lambda p: p.state in ("draft", "active"))
        if not to_cancel:
            raise UserError(self.env._("None of the selected payment plans is draft or active."))
        to_cancel.write({"state": "cancelled"})
        return done_notification(
            self.env,
            self.env._(
                "%(count)s payment plan(s) cancelled, %(skipped)s left as they were.",
                count=len(to_cancel),
                skipped=len(self - to_cancel),
            ),
        )

    def action_print(self):
        return self.env.ref("account_dunning_fr.action_report_dunning_payment_plan").report_action(
            self
        )

    def _get_contract_texts(self):
        """The clauses of the plan's contract, in the language of the plan's environment: the
        acknowledgment of debt, the accrued penalties (waived or included), the schedule, the
        breach, the payment means and the place and date."""
        self.ensure_one()
        env, company, currency = self.env, self.company_id, self.currency_id
        today = fields.Date.context_today(self)
        creditor, debtor = company.name, self.partner_id.name
        if self.state == "draft":
            total = self._get_residuals()[self.id]
            if self.penalty_mode == "included":
                total += self.penalty_amount
        else:
            total = self.amount_total
        penalty_date = format_date(env, self.start_date or today)
        penalty_amount = format_amount(env, self.penalty_amount, currency)
        texts = {
            "acknowledgment": env._(
                "%(debtor)s acknowledges owing %(creditor)s the sum of %(amount)s for the "
                "invoices listed below, and does not dispute it. This acknowledgment of debt "
                "interrupts the limitation period (article 2240 of the Code civil).",
                debtor=debtor,
                creditor=creditor,
                amount=format_amount(env, total, currency),
            ),
            "schedule": env._(
                "%(debtor)s undertakes to pay this sum in %(count)s installments, on the dates "
                "below:",
                debtor=debtor,
                count=len(self.installment_ids),
            )
            if len(self.installment_ids) > 1
            else env._(
                "%(debtor)s undertakes to pay this sum in a single installment, on the date "
                "below:",
                debtor=debtor,
            ),
            "breach": env._(
                "If an installment is not paid within %(days)s days of its date, the plan "
                "lapses: the whole balance becomes due at once, with the late-payment penalties "
                "provided by law.",
                days=self.grace_days,
            ),
        }
        if not self.penalty_amount:
            texts["penalties"] = env._(
                "No late-payment penalty had accrued on these invoices on %(date)s.",
                date=penalty_date,
            )
        elif self.penalty_mode == "included":
            texts["penalties"] = env._(
                "The late-payment penalties and fixed recovery indemnities accrued on these "
                "invoices up to %(date)s, %(amount)s, are included in this sum and in the "
                "installments.",
                date=penalty_date,
                amount=penalty_amount,
            )
        else:
            texts["penalties"] = env._(
                "Provided every installment is paid on time, %(creditor)s waives the late-payment "
                "penalties and fixed recovery indemnities accrued on these invoices up to "
                "%(date)s, %(amount)s.",
                creditor=creditor,
                date=penalty_date,
                amount=penalty_amount,
            )
            texts["breach"] += " " + env._("The penalties waived above are then due again.")
        bank = company.partner_id.bank_ids[:1]
        means = []
        if bank:
            means.append(
                env._(
                    "By bank transfer to %(creditor)s, IBAN %(iban)s, BIC %(bic)s, quoting the "
                    "reference %(reference)s.",
                    creditor=bank.partner_id.name or creditor,
                    iban=bank.acc_number,
                    bic=bank.bank_bic,
                    reference=self.name,
                )
                if bank.bank_bic
                else env._(
                    "By bank transfer to %(creditor)s, IBAN %(iban)s, quoting the reference "
                    "%(reference)s.",
                    creditor=bank.partner_id.name or creditor,
                    iban=bank.acc_number,
                    reference=self.name,
                )
            )
        address = ", ".join(
            part
            for part in (
                company.street,
                company.street2,
                f"{company.zip or ''} {company.city or ''}",
            )
            if part and part.strip()
        )
        means.append(
            env._(
                "By cheque to the order of %(creditor)s, sent to %(address)s, quoting the "
                "reference %(reference)s.",
                creditor=creditor,
                address=address,
                reference=self.name,
            )
            if address
            else env._(
                "By cheque to the order of %(creditor)s, quoting the reference %(reference)s.",
                creditor=creditor,
                reference=self.name,
            )
        )
        # "à l'ordre d'Atelier Dupont", "au profit de Société X"
        texts["payment_means"] = [
            elide_before(elide_before(text, bank.partner_id.name, env.lang), creditor, env.lang)
            for text in means
        ]
        contract_date = format_date(env, self.signed_date or self.start_date or today)
        texts["place_date"] = (
            env._(
                "Made in two copies in %(city)s, on %(date)s.",
                city=company.city,
                date=contract_date,
            )
            if company.city
            else env._("Made in two copies on %(date)s.", date=contract_date)
        )
        return texts

    def _log(self, text):
        """One note per plan on the plan and its customer, in one batch. ``text`` is the same
        for every plan, or a {plan id: text} dict."""
        partner_notes, plan_notes = [], []
        for plan in self:
            plan_text = text[plan.id] if isinstance(text, dict) else text
            body = Markup("<p>%s %s</p>") % (plan.name, plan_text)
            partner_notes.append((plan.partner_id.id, body))
            plan_notes.append((plan.id, body))
        self.env["res.partner"]._dunning_message_log_batch(partner_notes)
        self._dunning_message_log_batch(plan_notes)

    @api.model
    def _check_plans(self, company, today):
        """Completed or breached: decide the active plans of ``company``, in batch. Returns the
        breached ones."""
        plans = self.search([("state", "=", "active"), ("company_id", "=", company.id)])
        completed = plans.filtered(lambda p: p.amount_paid >= p.amount_total - 0.005)
        breached = self.browse()
        for plan in plans - completed:
            grace = relativedelta(days=plan.grace_days)
            overdue = sum(
                installment.amount
                for installment in plan.installment_ids
                if installment.date + grace < today
            )
            if plan.amount_paid < overdue - 0.005:
                breached |= plan
        completed.write({"state": "completed"})
        completed._log(self.env._("Payment plan completed."))
        if breached:
            breached.write({"state": "breached"})
            texts = {}
            for plan in breached:
                missed = plan.installment_ids.filtered(
                    lambda i: i.amount_paid < i.amount and i.date < today
                )[:1]
                texts[plan.id] = self.env._(
                    "Payment plan breached: installment of %(date)s (%(amount)s) missed.",
                    date=format_date(self.env, missed.date),
                    amount=format_amount(self.env, missed.amount, plan.currency_id),
                )
            breached._log(texts)
            jump = breached.filtered(lambda p: p.breach_action == "level")
            for level, group in jump.grouped("breach_level_id").items():
                group.invoice_ids.filtered_domain(
                    self.env["account.move"]._dunning_open_invoice_domain()
                ).write({"dunning_level_override_id": level.id})
            for (company, state), group in (
                breached.filtered(lambda p: p.breach_action == "hand_over")
                .grouped(lambda p: (p.company_id, p.breach_litigation_state))
                .items()
            ):  # decided by the plan a manager agreed to, in the plan's company
                group.partner_id.sudo().with_company(company).write(
                    {"dunning_litigation_state": state, "dunning_litigation_date": today}
                )
            for company, group in breached.grouped("company_id").items():
                self.env["account.move"]._dunning_update_next_dates(company, group.invoice_ids.ids)
        return breached
