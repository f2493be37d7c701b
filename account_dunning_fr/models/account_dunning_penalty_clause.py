# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.late_interest import interest_segments, semester_label, semester_start
from ..tools.legal_caps import (
    LEGAL_FLOOR_MULTIPLE,
    RECOVERY_INDEMNITY,
    STATUTORY_MARGIN,
    legal_floor,
)
from .dunning_insolvency import interest_stop_date, is_frozen_claim

LEGAL_RATE_KIND = {"individual": "legal_individual", "other": "legal_other"}


class AccountDunningPenaltyClause(models.Model):
    """Late-payment terms agreed with customers: the interest rate and the recovery indemnity,
    and the engine computing them on late invoices (``_get_penalties``)."""

    _name = "account.dunning.penalty.clause"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Late-Payment Penalty Clause"
    _order = "company_id, sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    consumer = fields.Boolean(
        string="Consumer Clause",
        help="For consumers: no recovery indemnity, and interest at the legal rate only from "
        "the formal notice (Code civil, article 1344-1).",
    )
    rate_mode = fields.Selection(
        [
            ("ecb_margin", "ECB rate + margin"),
            ("legal_multiple", "Multiple of the legal interest rate"),
            ("fixed", "Fixed annual rate"),
        ],
        required=True,
        default="ecb_margin",
        help="ECB rate + 10 points is the statutory rate (L441-10). Any other rate is "
        "contractual and never applies below three times the legal interest rate.",
    )
    # rates, points and multiples: never added up in grouped lists
    margin = fields.Float(
        string="Margin (points)", default=STATUTORY_MARGIN, digits=(16, 4), aggregator=None
    )
    multiple = fields.Float(default=3.0, digits=(16, 4), aggregator=None)
    fixed_rate = fields.Float(string="Annual Rate (%)", digits=(16, 4), aggregator=None)
    creditor_category = fields.Selection(
        [
            ("other", "Other cases (the creditor is a company)"),
            ("individual", "Private individual"),
        ],
        string="Legal Rate Category",
        required=True,
        default="other",
        help="Which legal interest rate applies: the one for private individuals or the one "
        "for other cases. A company creditor uses 'other cases'.",
    )
    indemnity = fields.Boolean(
        string="Recovery Indemnity",
        default=True,
        help="Fixed indemnity for recovery costs per late invoice (D441-5), professionals only.",
    )
    indemnity_amount = fields.Monetary(default=RECOVERY_INDEMNITY, currency_field="currency_id")
    below_floor_warning = fields.Text(
        compute="_compute_below_floor_warning",
        help="Semesters where the contractual rate is below three times the legal rate: the "
        "legal floor applies instead.",
    )

    @api.constrains("rate_mode", "margin", "multiple", "fixed_rate", "indemnity_amount")
    def _check_values(self):
        for clause in self:
            if min(clause.multiple, clause.fixed_rate, clause.indemnity_amount) < 0 or (
                clause.rate_mode == "legal_multiple" and not clause.multiple
            ):
                raise ValidationError(
                    self.env._(
                        "Penalty clause %(clause)s: rates, multiples and the indemnity must be "
                        "positive.",
                        clause=clause.name,
                    )
                )

    @api.depends("rate_mode", "margin", "multiple", "fixed_rate", "creditor_category", "consumer")
    def _compute_below_floor_warning(self):
        rates = self.env["account.dunning.rate"]._get_rate_table()
        semesters = sorted({start for _kind, start in rates})
        for clause in self:
            low = []
            if clause._is_contractual():
                kind = LEGAL_RATE_KIND[clause.creditor_category]
                for start in semesters:
                    if (kind, start) not in rates:
                        continue
                    floor = LEGAL_FLOOR_MULTIPLE * rates[kind, start]
                    raw = clause._raw_rate(lambda k, s=start: rates.get((k, s)))
                    if raw is not None and raw < floor:
                        low.append(
                            self.env._(
                                "%(semester)s: %(rate).2f %% < %(floor).2f %%",
                                semester=semester_label(start),
                                rate=raw,
                                floor=floor,
                            )
                        )
            clause.below_floor_warning = "\n".join(low) or False

    def _is_contractual(self):
        """True when the rate is set by contract (and so subject to the legal floor)."""
        self.ensure_one()
        return not self.consumer and not (
            self.rate_mode == "ecb_margin" and self.margin == STATUTORY_MARGIN
        )

    def _raw_rate(self, rate_of):
        """Annual rate of the clause for a semester, before the legal floor. ``rate_of(kind)``
        gives a reference rate of that semester (None when missing)."""
        self.ensure_one()
        if self.consumer:
            return rate_of(LEGAL_RATE_KIND[self.creditor_category])
        if self.rate_mode == "ecb_margin":
            ecb = rate_of("ecb")
            return None if ecb is None else ecb + self.margin
        if self.rate_mode == "legal_multiple":
            legal = rate_of(LEGAL_RATE_KIND[self.creditor_category])
            return None if legal is None else legal * self.multiple
        return self.fixed_rate

    def _rate_for_semester(self, rates, start):
        """Annual rate applied for the semester of ``start``, the legal floor included; None
        when a reference rate it needs is missing from ``rates`` (the rate table of
        ``account.dunning.rate._get_rate_table``)."""
        self.ensure_one()
        start = semester_start(start)
        rate = self._raw_rate(lambda kind: rates.get((kind, start)))
        if rate is not None and self._is_contractual():
            rate = legal_floor(rate, rates.get((LEGAL_RATE_KIND[self.creditor_category], start)))
        return rate

    def _get_rate_description(self):
        """How the rate is stated on invoices, in the language of the environment."""
        self.ensure_one()
        if self.consumer:
            return self.env._("the legal interest rate")
        margin, multiple, rate = (
            f"{value:g}" for value in (self.margin, self.multiple, self.fixed_rate)
        )
        if self.rate_mode == "ecb_margin":
            return self.env._(
                "the European Central Bank's main refinancing rate plus %(margin)s points",
                margin=margin,
            )
        if self.rate_mode == "legal_multiple":
            return self.env._("%(multiple)s times the legal interest rate", multiple=multiple)
        return self.env._(
            "%(rate)s %% per year (never less than three times the legal interest rate)",
            rate=rate,
        )

    @api.model
    def _get_invoice_clauses(self, moves):
        """{move id: penalty clause} for the customer invoices among ``moves``: the customer's
        clause in the invoice's company, else the company's default clause (its consumer clause
        for consumers). Prefetched per company; other moves have none."""
        result = {}
        for company, company_moves in (
            moves._dunning_customer_invoices().grouped("company_id").items()
        ):
            # One read of the partners' own clauses and kinds (iterating keeps the prefetch).
            commercial = company_moves.commercial_partner_id.with_company(company)
            commercial.fetch(["dunning_penalty_clause_id", "dunning_customer_kind"])
            partners = {
                partner.id: (partner.dunning_penalty_clause_id, partner.dunning_customer_kind)
                for partner in commercial
            }
            for move in company_moves:
                clause, kind = partners[move.commercial_partner_id.id]
                if not clause:
                    clause = (
                        company.dunning_consumer_clause_id
                        if kind == "b2c"
                        else company.dunning_penalty_clause_id
                    )
                if clause:
                    result[move.id] = clause
        return result

    @api.model
    def _get_invoice_payments(self, moves):
        """{move id: [(date, amount in the invoice's currency, is credit note), ...]}: payments
        and credit notes matched with the invoices ``moves``, in one query. The
        exchange-difference entries Odoo books when a foreign-currency invoice is settled are
        not payments of the debtor: their date is not a payment date."""
        if not moves:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        moves.flush_model(["move_type"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.move_id, apr.max_date, SUM(apr.debit_amount_currency),
                       counterpart_move.move_type = 'out_refund'
                  FROM account_partial_reconcile apr
                  JOIN account_move_line line ON line.id = apr.debit_move_id
                  JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
                  JOIN account_move counterpart_move ON counterpart_move.id = counterpart.move_id
                 WHERE line.move_id = ANY(%s) AND line.display_type = 'payment_term'
                   AND NOT EXISTS (
                       SELECT 1 FROM account_partial_reconcile exchange
                        WHERE exchange.exchange_move_id = counterpart.move_id
                   )
                 GROUP BY 1, 2, 4
                 ORDER BY 1, 2
                """,
                moves.ids,
            )
        )
        payments = defaultdict(list)
        for move_id, day, amount, refund in rows:
            payments[move_id].append((day, amount, refund))
        return payments

    @api.model
    def _get_formal_notice_dates(self, moves):
        """{move id: date} for the invoices ``moves``: from when consumers owe interest: the
        proof of receipt, else the sending date, of the first formal notice sent about the
        invoice."""
        if not moves:
            return {}
        self.env["account.dunning.communication"].flush_model()
        self.env["account.dunning.communication.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.move_id, MIN(COALESCE(comm.receipt_date, comm.sent_date))
                  FROM account_dunning_communication_line line
                  JOIN account_dunning_communication comm ON comm.id = line.communication_id
                 WHERE line.move_id = ANY(%s) AND comm.channel = 'formal_notice'
                   AND comm.state = 'sent'
                 GROUP BY 1
                """,
                moves.ids,
            )
        )
        return dict(rows)

    @api.model
    def _get_penalties(self, moves, as_of):
        """Late-payment interest and recovery indemnity of the customer invoices ``moves`` as of
        ``as_of``, not charged yet, under the project's convention (README, "Late-payment
        interest").

        A missing reference rate never zeroes a claim: the indemnity does not depend on any
        rate, the semesters whose rate is known are computed, and ``missing`` lists the
        semesters (their first days) left out, so that the figure is shown as incomplete.

        :return: {move id: {"interest", "indemnity", "indemnity_company", "interest_from",
                 "date_to", "segments", "missing"}}; amounts in the invoice's currency (the
                 indemnity converted at the due date; ``indemnity_company`` is it in the
                 company's currency), interest rounded half-up, ``missing`` a sorted list of
                 semester starts (empty when complete).
        """
        # One read per model whatever the number of invoices (lazy prefetch reads by 1000).
        moves.fetch(
            [
                "move_type",
                "state",
                "invoice_date",
                "invoice_date_due",
                "commercial_partner_id",
                "company_id",
                "currency_id",
                "dunning_disputed",
                "payment_state",
                "amount_total",
                "dunning_is_penalty_invoice",
            ]
        )
        moves.commercial_partner_id.fetch(
            [
                "dunning_insolvency_state",
                "dunning_insolvency_judgment_date",
                "dunning_customer_kind",
            ]
        )
        # Penalty invoices bear no interest and no indemnity of their own (C. civ. 1343-2).
        invoices = moves.filtered(
            lambda m: m.move_type == "out_invoice"
            and m.state == "posted"
            and not m.dunning_is_penalty_invoice
            and m.invoice_date_due
            and m.invoice_date_due < as_of
        )
        if not invoices:
            return {}
        clauses = self._get_invoice_clauses(invoices)
        payments = self._get_invoice_payments(invoices)
        charged = self.env["account.dunning.penalty.charge"]._get_charged(invoices)
        notices = self._get_formal_notice_dates(invoices)
        rates = self.env["account.dunning.rate"]._get_rate_table()
        semester_rates = {}  # {(clause id, semester start): rate}: a few per run, asked per invoice
        result = {}
        for move in invoices:
            clause = clauses.get(move.id)
            if not clause or move.dunning_disputed:
                continue  # disputed: nothing claimable accrues
            # Each value read once: the loop runs over every reminded invoice of the day.
            partner, currency = move.commercial_partner_id, move.currency_id
            due, invoice_date, payment_state = (
                move.invoice_date_due,
                move.invoice_date,
                move.payment_state,
            )
            # Insolvency proceedings: interest stops at the opening judgment (L622-28), the
            # indemnity is owed if the invoice was late at the judgment; nothing accrues while
            # the judgment date is unknown; a claim born after it accrues normally (L622-17).
            proceedings = partner.dunning_insolvency_state, partner.dunning_insolvency_judgment_date
            stop = interest_stop_date(*proceedings, invoice_date)
            if is_frozen_claim(*proceedings, invoice_date) and (not stop or stop < due):
                continue
            move_payments = [(day, amount) for day, amount, _refund in payments.get(move.id, [])]
            credited = sum(amount for _day, amount, refund in payments.get(move.id, []) if refund)
            if (
                payment_state == "reversed"
                or currency.compare_amounts(credited, move.amount_total) >= 0
            ):
                continue  # cancelled by a full credit note: never owed
            # A consumer (not a company, or set as such) owes interest at the legal rate from
            # the formal notice only and no indemnity, whatever clause is set on it.
            consumer = clause.consumer or partner.dunning_customer_kind == "b2c"
            if consumer and not clause.consumer:
                clause = move.company_id.dunning_consumer_clause_id or clause
            end = as_of
            if payment_state in ("paid", "in_payment", "reversed") and move_payments:
                end = min(as_of, move_payments[-1][0])  # paid late: figures final at payment
            if end <= due:
                continue  # paid on time
            start = due + timedelta(days=1)
            if consumer:
                notice = notices.get(move.id)
                start = max(start, notice + timedelta(days=1)) if notice else None
            charged_until, indemnity_charged = charged.get(move.id, (None, False))

            def rate_of(semester, clause=clause):
                key = clause.id, semester
                if key not in semester_rates:
                    semester_rates[key] = clause._rate_for_semester(rates, semester)
                return semester_rates[key]

            late = end > due
            end = min(end, stop) if stop else end
            segments, interest = [], 0.0
            if start and start <= end:
                amount_total = move.amount_total
                segments = interest_segments(start, end, amount_total, move_payments, rate_of)
                interest = currency.round(sum(seg["interest"] for seg in segments))
                if charged_until and charged_until >= start:
                    already = interest_segments(
                        start, min(charged_until, end), amount_total, move_payments, rate_of
                    )
                    interest -= currency.round(sum(seg["interest"] for seg in already))
            indemnity = indemnity_company = 0.0
            if late and clause.indemnity and not consumer and not indemnity_charged:
                # 40 EUR (D441-5); in another currency, converted once, at the due date.
                indemnity_company = clause.indemnity_amount
                indemnity = clause.currency_id._convert(
                    indemnity_company, currency, move.company_id, due
                )
            result[move.id] = {
                "interest": max(interest, 0.0),
                "indemnity": indemnity,
                "indemnity_company": indemnity_company,
                "interest_from": max(start, charged_until + timedelta(days=1))
                if start and charged_until
                else start,
                "date_to": end,
                "segments": segments,
                "missing": sorted(
                    {semester_start(seg["date_from"]) for seg in segments if seg["missing"]}
                ),
            }
        return result
