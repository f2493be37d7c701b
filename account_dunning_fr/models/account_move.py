# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, formatLang

from .account_payment_term import legal_cap_date
from .dunning_insolvency import interest_stop_date, is_frozen_claim
from .dunning_notes import post_notes
from .dunning_rights import ACCOUNTING_GROUPS, DUNNING_GROUPS
from .late_interest import interest_segments, semester_start
from .res_partner import CREDIT_FIELDS

OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Limitation periods in years: C. com. L110-4 (commercial debts), C. conso. L218-2 (consumers)
LIMITATION_YEARS = {"b2b": 5, "b2c": 2}


PENALTY_ORIGIN_NAMES = 3  # invoice numbers named in a penalty invoice's source


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Level of the last communication sent about this invoice.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_last_date = fields.Date(
        string="Last Dunning Date",
        readonly=True,
        copy=False,
        help="Date of the last communication sent about this invoice.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_next_date = fields.Date(
        string="Next Dunning Date",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Earliest date of the next level, as computed by the last dunning run.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_dunning_days_overdue",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_level_override_id = fields.Many2one(
        "account.dunning.level",
        string="Level Override",
        copy=False,
        tracking=True,
        help="Forces the level of the next communication about this invoice (higher or "
        "lower than the rule would give). Cleared once that communication is sent.",
        groups=DUNNING_GROUPS,
    )
    dunning_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        tracking=True,
        index="btree_not_null",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_dispute_reason_id = fields.Many2one(
        "account.dunning.dispute.reason",
        string="Dispute Reason",
        copy=False,
        tracking=True,
        groups=DUNNING_GROUPS,
    )
    dunning_dispute_reason = fields.Char(
        string="Dispute Comment", copy=False, tracking=True, groups=DUNNING_GROUPS
    )
    dunning_partner_on_hold = fields.Boolean(
        string="Customer on Credit Hold",
        compute="_compute_dunning_partner_on_hold",
        help="The customer is on credit hold in the invoice's company.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_dispute_date = fields.Date(string="Dispute Date", copy=False, groups=ACCOUNTING_GROUPS)
    dunning_dispute_note = fields.Text(string="Dispute Note", copy=False, groups=DUNNING_GROUPS)
    dunning_excluded_until = fields.Date(
        string="Excluded from Dunning Until",
        copy=False,
        tracking=True,
        groups=ACCOUNTING_GROUPS,
        help="No reminder about this invoice up to this date included; it is reminded again "
        "from the next day, at the level its age then reaches.",
    )
    dunning_communication_line_ids = fields.One2many(
        "account.dunning.communication.line",
        "move_id",
        string="Dunning Lines",
        readonly=True,
        groups=DUNNING_GROUPS,
    )
    dunning_communication_count = fields.Integer(
        compute="_compute_dunning_communication_count",
        groups=DUNNING_GROUPS,
    )

    # French late-payment penalties (as of today; _dunning_get_penalties() takes any date)
    dunning_interest_amount = fields.Monetary(
        string="Late Interest",
        compute="_compute_dunning_penalties",
        help="Late-payment interest accrued and not charged yet, as of today.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_dunning_penalties",
        help="Fixed recovery indemnity owed and not charged yet (professionals only).",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_total = fields.Monetary(
        string="Total Claim",
        compute="_compute_dunning_penalties",
        help="Amount due plus the interest and indemnity not charged yet.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_penalty_error = fields.Char(
        compute="_compute_dunning_penalties", groups=ACCOUNTING_GROUPS
    )
    dunning_penalty_missing_rates = fields.Char(
        string="Missing Rates",
        compute="_compute_dunning_penalties",
        groups=ACCOUNTING_GROUPS,
        help="Semesters whose reference rate is missing: the late interest leaves them out "
        "until the rate is entered.",
    )
    dunning_is_penalty_invoice = fields.Boolean(
        string="Penalty Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_penalty_charge_ids = fields.One2many(
        "account.dunning.penalty.charge",
        "move_id",
        string="Charged Penalties",
        readonly=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_legal_mention = fields.Text(
        compute="_compute_dunning_legal_mention",
        compute_sudo=True,  # printed on the invoice, also from the portal
        help="Late-payment wording printed on the invoice (L441-9 of the Code de commerce).",
    )

    # Limitation periods (prescription) and payment-term caps (C. com. L441-10)
    dunning_limitation_date = fields.Date(
        string="Limitation Date",
        compute="_compute_dunning_limitation_date",
        store=True,
        copy=False,
        index="btree_not_null",
        help="Date on which the debt becomes time-barred: 5 years (C. com. L110-4), or 2 years "
        "for consumers (C. conso. L218-2), from the delivery date (else the invoice date), "
        "restarted by a payment or a signed payment plan made before that date. Empty while a "
        "court claim filed before it is pending. A formal notice does not interrupt it.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_limitation_warning = fields.Boolean(
        string="Near Limitation",
        compute="_compute_dunning_limitation_warning",
        search="_search_dunning_limitation_warning",
        help="Open invoice time-barred within 6 months, or already time-barred.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_terms_exceed_cap = fields.Boolean(
        string="Terms Exceed Legal Cap",
        compute="_compute_dunning_terms_exceed_cap",
        help="The due date is later than article L441-10 of the Code de commerce allows (60 "
        "days from the invoice date, or 45 days end of month).",
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

    @api.depends("move_type", "commercial_partner_id", "company_id")
    def _compute_dunning_partner_on_hold(self):
        self.dunning_partner_on_hold = False
        for company, moves in self._dunning_customer_invoices().grouped("company_id").items():
            partners = moves.commercial_partner_id.with_company(company)
            partners.invalidate_recordset(CREDIT_FIELDS)  # this very invoice may change them
            on_hold = partners.filtered(lambda p: p.dunning_credit_hold or p.dunning_over_limit)
            for move in moves:
                move.dunning_partner_on_hold = move.commercial_partner_id in on_hold

    @api.onchange("dunning_disputed")
    def _onchange_dunning_disputed(self):
        if self.dunning_disputed and not self.dunning_dispute_date:
            self.dunning_dispute_date = fields.Date.context_today(self)

    def write(self, vals):
        if vals.get("dunning_disputed") and "dunning_dispute_date" not in vals:
            vals = dict(vals, dunning_dispute_date=fields.Date.context_today(self))
        return super().write(vals)

    @api.depends_context("dunning_date", "lang")
    @api.depends("amount_residual", "payment_state", "invoice_date_due", "dunning_disputed")
    def _compute_dunning_penalties(self):
        today = self.env.context.get("dunning_date") or fields.Date.context_today(self)
        invoices = self.filtered(lambda move: move.move_type == "out_invoice" and move.id)
        penalties = invoices._dunning_get_penalties(today)
        Rate = self.env["account.dunning.rate"]
        for move in self:
            penalty = penalties.get(move.id, {})
            missing = penalty.get("missing")
            move.dunning_interest_amount = penalty.get("interest", 0.0)
            move.dunning_indemnity_amount = penalty.get("indemnity", 0.0)
            move.dunning_claim_total = (
                move.amount_residual + move.dunning_interest_amount + move.dunning_indemnity_amount
            )
            move.dunning_penalty_missing_rates = bool(missing) and Rate._get_semester_labels(
                missing
            )
            move.dunning_penalty_error = bool(missing) and Rate._get_incomplete_message(missing)

    @api.depends(
        "partner_id",
        "company_id",
        "move_type",
        "dunning_is_penalty_invoice",
        "invoice_payment_term_id",
        "invoice_date",
    )
    @api.depends_context("lang")
    def _compute_dunning_legal_mention(self):
        invoices = self._dunning_customer_invoices()
        clauses = invoices._dunning_get_clauses()
        for move in self:
            if move not in invoices:
                move.dunning_legal_mention = False
            elif move.dunning_is_penalty_invoice:
                move.dunning_legal_mention = move._dunning_format_penalty_invoice_mention()
            else:
                clause = clauses.get(move.id)
                mentions = [move._dunning_format_discount_mention()]
                if clause:
                    mentions.insert(0, move._dunning_format_legal_mention(clause))
                move.dunning_legal_mention = " ".join(mentions)

    @api.depends(
        "move_type",
        "state",
        "invoice_date",
        "delivery_date",
        "amount_residual",
        "payment_state",
        "commercial_partner_id.dunning_customer_kind",
        "commercial_partner_id.dunning_court_claim_date",
    )
    def _compute_dunning_limitation_date(self):
        invoices = self.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "posted"
            and (move.delivery_date or move.invoice_date)
        )
        acknowledgments = invoices._dunning_get_acknowledgment_dates()
        filings = invoices._dunning_get_court_claim_dates()
        invoice_ids = set(invoices._ids)
        for move in self:
            if move.id not in invoice_ids:
                move.dunning_limitation_date = False
                continue
            years = relativedelta(
                years=LIMITATION_YEARS[move.commercial_partner_id.dunning_customer_kind or "b2b"]
            )
            # The period runs from the delivery or the completion of the service (Cass. since
            # 2020): the recorded delivery date, else the invoice date.
            limit = (move.delivery_date or move.invoice_date) + years
            # An acknowledgment (payment, signed payment plan) restarts the period only while
            # it runs: after expiry nothing revives the debt (C. civ. 2240, 2250).
            for day in acknowledgments.get(move._origin.id, ()):
                if day <= limit:
                    limit = max(limit, day + years)
            filing = filings.get(move._origin.id)
            if filing and move.invoice_date and move.invoice_date <= filing <= limit:
                # Interrupted by the court claim for as long as the proceedings last (2241-2242)
                limit = False
            move.dunning_limitation_date = limit

    @api.depends_context("dunning_date")
    @api.depends("dunning_limitation_date", "state", "payment_state")
    def _compute_dunning_limitation_warning(self):
        threshold = self._dunning_limitation_threshold()
        for move in self:
            move.dunning_limitation_warning = bool(
                move.state == "posted"
                and move.payment_state in OPEN_PAYMENT_STATES
                and move.dunning_limitation_date
                and move.dunning_limitation_date <= threshold
            )

    def _search_dunning_limitation_warning(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Unsupported search on %(field)s.", field="dunning_limitation_warning")
            )
        domain = [
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("dunning_limitation_date", "<=", self._dunning_limitation_threshold()),
        ]
        return domain if (operator == "=") == bool(value) else ["!", "&", "&", *domain]

    @api.depends("move_type", "state", "invoice_date", "date", "invoice_date_due")
    def _compute_dunning_terms_exceed_cap(self):
        for move in self:
            invoice_date = move.invoice_date or move.date
            move.dunning_terms_exceed_cap = bool(
                move.move_type == "out_invoice"
                and move.state in ("draft", "posted")
                and invoice_date
                and move.invoice_date_due
                and move.invoice_date_due > legal_cap_date(invoice_date)
            )

    def _dunning_limitation_threshold(self):
        """Debts time-barred up to this date are near their limitation: within 6 months."""
        today = self.env.context.get("dunning_date") or fields.Date.context_today(self)
        return today + relativedelta(months=6)

    def _dunning_get_acknowledgment_dates(self):
        """{move id: sorted dates on which the customer acknowledged the debt}, in two queries.

        A payment of the debtor acknowledges the debt (C. civ. 2240), and so does a payment plan
        it signed (its signature date); a credit note is the creditor's own act and the
        exchange-difference entries Odoo books are no payment: neither counts."""
        move_ids = [move_id for move_id in self._origin.ids if move_id]
        if not move_ids:
            return {}
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "max_date"]
        )
        self.flush_model(["move_type", "origin_payment_id", "statement_line_id"])
        self.env["account.dunning.payment.plan"].flush_model(["signed_date", "invoice_ids"])
        result = defaultdict(set)
        for query in (
            SQL(
                """
                SELECT line.move_id, ARRAY_AGG(DISTINCT apr.max_date)
                  FROM account_partial_reconcile apr
                  JOIN account_move_line line ON line.id = apr.debit_move_id
                  JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
                  JOIN account_move counterpart_move ON counterpart_move.id = counterpart.move_id
                 WHERE line.move_id = ANY(%s) AND line.display_type = 'payment_term'
                   AND (counterpart_move.origin_payment_id IS NOT NULL
                        OR counterpart_move.statement_line_id IS NOT NULL)
                 GROUP BY line.move_id
                """,
                move_ids,
            ),
            SQL(
                """
                SELECT rel.move_id, ARRAY_AGG(DISTINCT plan.signed_date)
                  FROM account_dunning_payment_plan_invoice_rel rel
                  JOIN account_dunning_payment_plan plan ON plan.id = rel.plan_id
                 WHERE rel.move_id = ANY(%s) AND plan.signed_date IS NOT NULL
                 GROUP BY rel.move_id
                """,
                move_ids,
            ),
        ):
            for move_id, days in self.env.execute_query(query):
                result[move_id].update(days)
        return {move_id: sorted(days) for move_id, days in result.items()}

    def _dunning_get_court_claim_dates(self):
        """{move id: filing date of the court claim against its customer, in its company}: one
        read of the customers per company."""
        result = {}
        for company, moves in self.grouped("company_id").items():
            partners = moves.commercial_partner_id.with_company(company)
            partners.fetch(["dunning_court_claim_date"])
            filings = {partner.id: partner.dunning_court_claim_date for partner in partners}
            for move in moves:
                if filings.get(move.commercial_partner_id.id):
                    result[move._origin.id] = filings[move.commercial_partner_id.id]
        return result

    def _dunning_format_legal_mention(self, clause):
        self.ensure_one()
        if clause.consumer or self.commercial_partner_id.dunning_customer_kind == "b2c":
            return self.env._(
                "In case of late payment, the sums due bear interest at the legal rate from "
                "the formal notice to pay (article 1344-1 of the Code civil)."
            )
        mention = self.env._(
            "In case of late payment, late-payment penalties are due from the day after the due "
            "date, without any reminder being necessary, at %(rate)s (article L441-10 of the "
            "Code de commerce).",
            rate=clause._get_rate_description(),
        )
        if clause.indemnity:
            amount = f"{clause.indemnity_amount:g} {clause.currency_id.symbol}"
            mention += " " + self.env._(
                "A fixed indemnity of %(amount)s for recovery costs is also due (article D441-5 "
                "of the Code de commerce).",
                amount=amount,
            )
        return mention

    def _dunning_format_discount_mention(self):
        """The early-payment discount terms (L441-9): those of the invoice's payment term when
        it grants one, else the usual "no discount" mention."""
        self.ensure_one()
        term = self.invoice_payment_term_id
        if not term.early_discount:
            return self.env._("No discount for early payment.")
        mention = self.env._(
            "Discount for early payment: %(percentage)s %% if paid within %(days)s days of the "
            "invoice date.",
            percentage=formatLang(self.env, term.discount_percentage),
            days=term.discount_days,
        )
        if self.invoice_date:
            mention = self.env._(
                "Discount for early payment: %(percentage)s %% if paid within %(days)s days of "
                "the invoice date, by %(date)s.",
                percentage=formatLang(self.env, term.discount_percentage),
                days=term.discount_days,
                date=format_date(self.env, term._get_last_discount_date(self.invoice_date)),
            )
        return mention

    def _dunning_format_penalty_invoice_mention(self):
        """What a penalty invoice states: outside the scope of VAT, with the ground, and payable
        on receipt. It bears no penalties of its own (C. civ. 1343-2): no L441-10 mention."""
        self.ensure_one()
        return self.env._(
            "VAT not applicable: late-payment interest and the fixed recovery indemnity "
            "(articles L441-10 and D441-5 of the Code de commerce) compensate for the late "
            "payment and are not the consideration for a supply of goods or services; they are "
            "outside the scope of VAT. Payable on receipt. No discount for early payment."
        )

    def _dunning_customer_invoices(self):
        """The moves the dunning is about: customer invoices with a customer (not journal
        entries, vendor bills, nor a draft whose customer is not chosen yet)."""
        return self.filtered(lambda m: m.move_type == "out_invoice" and m.commercial_partner_id)

    def _dunning_get_clauses(self):
        """{move id: penalty clause} for customer invoices: the customer's clause in the
        invoice's company, else the company's default clause (its consumer clause for
        consumers). Prefetched per company; other moves have none."""
        result = {}
        for company, moves in self._dunning_customer_invoices().grouped("company_id").items():
            # One read of the partners' own clauses and kinds (iterating keeps the prefetch).
            commercial = moves.commercial_partner_id.with_company(company)
            commercial.fetch(["dunning_penalty_clause_id", "dunning_customer_kind"])
            partners = {
                partner.id: (partner.dunning_penalty_clause_id, partner.dunning_customer_kind)
                for partner in commercial
            }
            for move in moves:
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

    def _dunning_get_payments(self):
        """{move id: [(date, amount in the invoice's currency, is credit note), ...]}: payments
        and credit notes matched with the invoices, in one query. The exchange-difference
        entries Odoo books when a foreign-currency invoice is settled are not payments of the
        debtor: their date is not a payment date."""
        if not self:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.flush_model(["move_type"])
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
                self.ids,
            )
        )
        payments = defaultdict(list)
        for move_id, day, amount, refund in rows:
            payments[move_id].append((day, amount, refund))
        return payments

    def _dunning_get_formal_notice_dates(self):
        """{move id: date}: from when consumers owe interest: the proof of receipt, else the
        sending date, of the first formal notice sent about the invoice."""
        if not self:
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
                self.ids,
            )
        )
        return dict(rows)

    def _dunning_get_charged(self):
        """{move id: (interest charged until, indemnity charged)} by posted penalty invoices."""
        groups = self.env["account.dunning.penalty.charge"]._read_group(
            [("move_id", "in", self.ids), ("penalty_move_id.payment_state", "!=", "reversed")],
            ["move_id"],
            ["date_to:max", "indemnity_amount:sum"],
        )
        return {move.id: (date_to, bool(indemnity)) for move, date_to, indemnity in groups}

    def _dunning_get_penalties(self, as_of):
        """Late-payment interest and recovery indemnity of customer invoices as of ``as_of``,
        not charged yet, under the project's convention (README, "Late-payment interest").

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
        self.fetch(
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
        self.commercial_partner_id.fetch(
            [
                "dunning_insolvency_state",
                "dunning_insolvency_judgment_date",
                "dunning_customer_kind",
            ]
        )
        # Penalty invoices bear no interest and no indemnity of their own (C. civ. 1343-2).
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice"
            and m.state == "posted"
            and not m.dunning_is_penalty_invoice
            and m.invoice_date_due
            and m.invoice_date_due < as_of
        )
        if not invoices:
            return {}
        clauses = invoices._dunning_get_clauses()
        payments = invoices._dunning_get_payments()
        charged = invoices._dunning_get_charged()
        notices = invoices._dunning_get_formal_notice_dates()
        rate_table = self.env["account.dunning.penalty.clause"]._get_rate_table()
        result = {}
        for move in invoices:
            clause = clauses.get(move.id)
            partner = move.commercial_partner_id
            if not clause or move.dunning_disputed:
                continue  # disputed: nothing claimable accrues
            # Insolvency proceedings: interest stops at the opening judgment (L622-28), the
            # indemnity is owed if the invoice was late at the judgment; nothing accrues while
            # the judgment date is unknown; a claim born after it accrues normally (L622-17).
            proceedings = partner.dunning_insolvency_state, partner.dunning_insolvency_judgment_date
            stop = interest_stop_date(*proceedings, move.invoice_date)
            if is_frozen_claim(*proceedings, move.invoice_date) and (
                not stop or stop < move.invoice_date_due
            ):
                continue
            move_payments = [(day, amount) for day, amount, _refund in payments.get(move.id, [])]
            credited = sum(amount for _day, amount, refund in payments.get(move.id, []) if refund)
            if (
                move.payment_state == "reversed"
                or move.currency_id.compare_amounts(credited, move.amount_total) >= 0
            ):
                continue  # cancelled by a full credit note: never owed
            # A consumer (not a company, or set as such) owes interest at the legal rate from
            # the formal notice only and no indemnity, whatever clause is set on it.
            consumer = clause.consumer or partner.dunning_customer_kind == "b2c"
            if consumer and not clause.consumer:
                clause = move.company_id.dunning_consumer_clause_id or clause
            end = as_of
            if move.payment_state in ("paid", "in_payment", "reversed") and move_payments:
                end = min(as_of, move_payments[-1][0])  # paid late: figures final at payment
            if end <= move.invoice_date_due:
                continue  # paid on time
            start = move.invoice_date_due + timedelta(days=1)
            if consumer:
                notice = notices.get(move.id)
                start = max(start, notice + timedelta(days=1)) if notice else None
            charged_until, indemnity_charged = charged.get(move.id, (None, False))

            def rate_of(semester, clause=clause):
                return clause._rate_for_semester(rate_table, semester)

            late = end > move.invoice_date_due
            end = min(end, stop) if stop else end
            segments, interest = [], 0.0
            if start and start <= end:
                segments = interest_segments(start, end, move.amount_total, move_payments, rate_of)
                interest = move.currency_id.round(sum(seg["interest"] for seg in segments))
                if charged_until and charged_until >= start:
                    already = interest_segments(
                        start, min(charged_until, end), move.amount_total, move_payments, rate_of
                    )
                    interest -= move.currency_id.round(sum(seg["interest"] for seg in already))
            indemnity = indemnity_company = 0.0
            if late and clause.indemnity and not consumer and not indemnity_charged:
                # 40 EUR (D441-5); in another currency, converted once, at the due date.
                indemnity_company = clause.indemnity_amount
                indemnity = clause.currency_id._convert(
                    indemnity_company, move.currency_id, move.company_id, move.invoice_date_due
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

    @api.model
    def _dunning_create_penalty_invoices(self, late_moves, as_of):
        """Draft penalty invoices (one per customer, company and currency) charging the interest
        and indemnities of ``late_moves`` not charged yet. No VAT: penalties are outside its
        scope. Posting them records what was charged."""
        penalties = late_moves._dunning_get_penalties(as_of)
        groups = defaultdict(list)
        for move in late_moves:
            penalty = penalties.get(move.id)
            partner = move.commercial_partner_id
            if is_frozen_claim(
                partner.dunning_insolvency_state,
                partner.dunning_insolvency_judgment_date,
                move.invoice_date,
            ):
                continue  # declared in the insolvency proceedings, never invoiced
            if penalty and (penalty["interest"] > 0 or penalty["indemnity"] > 0):
                groups[move.company_id, move.commercial_partner_id, move.currency_id].append(move)
        if not groups:
            raise UserError(self.env._("There is no late-payment interest or indemnity to charge."))
        immediate = self.env.ref("account.account_payment_term_immediate", raise_if_not_found=False)
        immediate = (
            immediate if immediate and immediate.active else self.env["account.payment.term"]
        )
        vals_list = []
        for (company, partner, currency), moves in groups.items():
            interest_product = company.dunning_interest_product_id
            indemnity_product = company.dunning_indemnity_product_id
            if not interest_product or not indemnity_product:
                raise UserError(
                    self.env._(
                        "Set the products of late-payment interest and recovery indemnity of "
                        "%(company)s in Accounting > Configuration > Settings.",
                        company=company.name,
                    )
                )
            lines = []
            lang = partner.lang or self.env.lang
            for move in moves:
                penalty = penalties[move.id]
                due, date_from, date_to = (
                    format_date(self.env, day, lang_code=lang)
                    for day in (move.invoice_date_due, penalty["interest_from"], penalty["date_to"])
                )
                common = {
                    "quantity": 1,
                    "tax_ids": [Command.clear()],
                    "dunning_penalty_source_id": move.id,
                }
                if penalty["interest"] > 0:
                    lines.append(
                        Command.create(
                            {
                                **common,
                                "product_id": interest_product.id,
                                "name": self.env._(
                                    "Late-payment interest on %(invoice)s (due %(due)s), from "
                                    "%(date_from)s to %(date_to)s",
                                    invoice=move.name,
                                    due=due,
                                    date_from=date_from,
                                    date_to=date_to,
                                ),
                                "price_unit": penalty["interest"],
                                "dunning_penalty_kind": "interest",
                                "dunning_penalty_date_from": penalty["interest_from"],
                                "dunning_penalty_date_to": penalty["date_to"],
                            }
                        )
                    )
                if penalty["indemnity"] > 0:
                    name = self.env._(
                        "Fixed recovery indemnity, invoice %(invoice)s (D441-5)",
                        invoice=move.name,
                    )
                    if currency != company.currency_id:  # 40 EUR, at the rate of the due date
                        name += " " + self.env._(
                            "(%(amount)s converted at the due date)",
                            amount=format_amount(
                                self.env, penalty["indemnity_company"], company.currency_id
                            ),
                        )
                    lines.append(
                        Command.create(
                            {
                                **common,
                                "product_id": indemnity_product.id,
                                "name": name,
                                "price_unit": penalty["indemnity"],
                                "dunning_penalty_kind": "indemnity",
                                "dunning_penalty_date_to": penalty["date_to"],
                            }
                        )
                    )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "invoice_date": as_of,
                    # Payable on receipt: no payment term of the customer applies.
                    "invoice_payment_term_id": immediate.id,
                    "invoice_date_due": as_of,
                    "invoice_origin": self._dunning_penalty_origin(moves),
                    "dunning_is_penalty_invoice": True,
                    "invoice_line_ids": lines,
                }
            )
        return self.with_context(default_move_type="out_invoice").create(vals_list)

    def _dunning_penalty_origin(self, moves):
        """Source of a penalty invoice: its first invoices, then how many more (its lines name
        each one); a list of forty invoice numbers would fill the invoice's header."""
        names = [move.name for move in moves]
        if len(names) <= PENALTY_ORIGIN_NAMES:
            return ", ".join(names)
        return self.env._(
            "%(names)s and %(count)s more",
            names=", ".join(names[:PENALTY_ORIGIN_NAMES]),
            count=len(names) - PENALTY_ORIGIN_NAMES,
        )

    def _post(self, soft=True):
        overridden = self._dunning_check_credit_hold()
        penalty_moves = self.filtered("dunning_is_penalty_invoice")
        penalty_moves._dunning_check_not_charged_twice()
        posted = super()._post(soft=soft)
        (overridden & posted)._dunning_log_hold_override()
        posted.filtered("dunning_is_penalty_invoice")._dunning_record_charges()
        return posted

    def _dunning_check_credit_hold(self):
        """New customer invoices of customers on credit hold (or over their credit limit) are
        posted by dunning managers only. Returns the invoices posted over a hold.

        A refusal changes nothing (it is rolled back with the posting): a customer found over
        the limit is put on hold when a manager posts anyway, else by the daily check."""
        blocked = self.env["account.move"]
        invoices = self._dunning_customer_invoices().filtered(
            lambda m: not m.dunning_is_penalty_invoice
        )
        if not invoices:
            return blocked
        labels, over_by_company = [], []
        for company, moves in invoices.grouped("company_id").items():
            partners = moves.commercial_partner_id.with_company(company)
            partners.invalidate_recordset(CREDIT_FIELDS)  # receivables changed since last read
            over = partners.filtered(lambda p: not p.dunning_credit_hold and p.dunning_over_limit)
            over_by_company.append(over)
            on_hold = partners.filtered(lambda p: p.dunning_credit_hold or p.dunning_over_limit)
            blocked |= moves.filtered(lambda m, on_hold=on_hold: m.commercial_partner_id in on_hold)
            for partner in on_hold:
                if partner.dunning_over_limit:
                    currency = company.currency_id
                    labels.append(
                        self.env._(
                            "%(customer)s (exposure %(exposure)s, credit limit %(limit)s)",
                            customer=partner.display_name,
                            exposure=format_amount(self.env, partner.dunning_exposure, currency),
                            limit=format_amount(self.env, partner.dunning_credit_limit, currency),
                        )
                    )
                else:
                    labels.append(partner.display_name)
        if blocked and not self.env.user.has_group("account_dunning_fr.group_dunning_manager"):
            raise UserError(
                self.env._(
                    "%(customers)s is on credit hold: a new invoice can only be posted by a "
                    "dunning manager. Ask for a payment first, or ask a manager to post it.",
                    customers=", ".join(labels),
                )
            )
        for over in over_by_company:
            if over:  # decided by the system, whoever posts
                over.sudo().write(
                    {"dunning_credit_hold": True, "dunning_credit_hold_reason": "limit"}
                )
                over._dunning_log(
                    self.env._("Put on credit hold: the exposure exceeds the credit limit.")
                )
        return blocked

    def _dunning_log_hold_override(self):
        """A manager posted invoices over a credit hold: noted on the invoices and their
        customers, in one batch."""
        if not self:
            return
        notes = []
        for move in self:
            body = Markup("<p>%s</p>") % self.env._(
                "Credit hold overridden by %(user)s: invoice %(invoice)s of %(amount)s posted.",
                user=self.env.user.name,
                invoice=move.name,
                amount=format_amount(self.env, move.amount_total, move.currency_id),
            )
            partner = move.commercial_partner_id
            notes += [
                ("account.move", move.id, move.name, body),
                ("res.partner", partner.id, partner.display_name, body),
            ]
        post_notes(self.env, notes)

    def _dunning_penalty_lines(self):
        return self.invoice_line_ids.filtered("dunning_penalty_source_id")

    def _dunning_check_not_charged_twice(self):
        lines = self._dunning_penalty_lines()
        if not lines:
            return
        charged = lines.dunning_penalty_source_id._dunning_get_charged()
        seen = set()
        for line in lines:
            source = line.dunning_penalty_source_id
            until, indemnity_charged = charged.get(source.id, (None, False))
            key = (source.id, line.dunning_penalty_kind)
            twice = key in seen or (
                line.dunning_penalty_kind == "indemnity"
                and indemnity_charged
                or line.dunning_penalty_kind == "interest"
                and until
                and line.dunning_penalty_date_from
                and line.dunning_penalty_date_from <= until
            )
            if twice:
                kinds = dict(line._fields["dunning_penalty_kind"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(penalty)s: the %(kind)s of invoice %(invoice)s has already been "
                        "charged by another posted penalty invoice. Create a new penalty "
                        "invoice instead.",
                        penalty=line.move_id.name or line.move_id.display_name,
                        kind=kinds[line.dunning_penalty_kind].lower(),
                        invoice=source.name,
                    )
                )
            seen.add(key)

    def _dunning_record_charges(self):
        vals = defaultdict(lambda: {"interest_amount": 0.0, "indemnity_amount": 0.0})
        for line in self._dunning_penalty_lines():
            key = (line.move_id.id, line.dunning_penalty_source_id.id)
            entry = vals[key]
            entry["date_to"] = line.dunning_penalty_date_to
            if line.dunning_penalty_kind == "interest":
                entry["interest_amount"] += line.price_subtotal
                entry["date_from"] = line.dunning_penalty_date_from
            else:
                entry["indemnity_amount"] += line.price_subtotal
        # Written by posting only: users cannot edit what was charged.
        self.env["account.dunning.penalty.charge"].sudo().create(
            [
                {"penalty_move_id": penalty_id, "move_id": source_id, **entry}
                for (penalty_id, source_id), entry in vals.items()
            ]
        )

    def button_draft(self):
        res = super().button_draft()
        self.env["account.dunning.penalty.charge"].sudo().search(
            [("penalty_move_id", "in", self.ids)]
        ).unlink()
        return res

    def action_dunning_create_penalty_invoice(self):
        """Charge the interest and indemnities of these late invoices on draft invoices."""
        penalty_moves = self._dunning_create_penalty_invoices(self, fields.Date.context_today(self))
        return penalty_moves._dunning_action_open()

    def _dunning_action_open(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(self) == 1:
            action.update({"views": [(False, "form")], "res_id": self.id})
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    def action_dunning_set_dispute(self):
        """Flag the invoices as disputed: they leave the dunning process."""
        if any(move.move_type != "out_invoice" for move in self):
            raise UserError(self.env._("Only customer invoices can be disputed."))
        self.write({"dunning_disputed": True})

    def action_dunning_clear_dispute(self):
        self.write({"dunning_disputed": False, "dunning_dispute_date": False})

    def action_view_dunning_communications(self):
        return self.env["account.dunning.communication"]._action_view(
            [("line_ids.move_id", "in", self.ids)]
        )
