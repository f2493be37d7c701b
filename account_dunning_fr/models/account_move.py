# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, formatLang

from ..tools.legal_caps import legal_cap_date
from .account_dunning_level import LEVELS_CTE
from .dunning_insolvency import (
    DUNNED_DESPITE_PROCEEDINGS_SQL,
)
from .dunning_rights import ACCOUNTING_GROUPS, DUNNING_GROUPS
from .res_partner import CREDIT_FIELDS, HANDED_OVER_STATES

OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Limitation periods in years: C. com. L110-4 (commercial debts), C. conso. L218-2 (consumers)
LIMITATION_YEARS = {"b2b": 5, "b2c": 2}


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
    dunning_partner_on_hold = fields.Boolean(
        string="Customer on Credit Hold",
        compute="_compute_dunning_partner_on_hold",
        help="The customer is on credit hold in the invoice's company.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_dispute_date = fields.Date(string="Dispute Date", copy=False, groups=ACCOUNTING_GROUPS)
    dunning_dispute_note = fields.Text(
        string="Dispute Note", copy=False, tracking=True, groups=DUNNING_GROUPS
    )
    dunning_excluded_until = fields.Date(
        string="Excluded from Dunning Until",
        copy=False,
        tracking=True,
        groups=ACCOUNTING_GROUPS,
        help="No reminder about this invoice up to this date included; it is reminded again "
        "from the next day, at the level its age then reaches.",
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

    # ---------------------------------------------------------------------------------------
    # The invoices dunning is about: one definition each, as a domain and as SQL
    # ---------------------------------------------------------------------------------------

    @api.model
    def _dunning_invoice_domain(self, penalties=True):
        """Posted customer invoices: what a customer was invoiced, owed or paid since. Not
        drafts nor cancelled invoices; credit notes and vendor bills are no invoices a customer
        owes. Penalty invoices are invoices too, unless ``penalties`` is false (late interest
        and indemnity are neither a supply nor turnover). SQL twin: ``_dunning_invoice_sql``."""
        domain = [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
        if not penalties:
            domain.append(("dunning_is_penalty_invoice", "=", False))
        return domain

    @api.model
    def _dunning_invoice_sql(self, alias="m", penalties=True):
        """Condition on the account_move ``alias``: ``_dunning_invoice_domain`` in SQL."""
        move = SQL.identifier(alias)
        condition = SQL("%s.move_type = 'out_invoice' AND %s.state = 'posted'", move, move)
        if not penalties:
            condition = SQL("%s AND %s.dunning_is_penalty_invoice IS NOT TRUE", condition, move)
        return SQL("(%s)", condition)

    @api.model
    def _dunning_open_invoice_domain(self):
        """Open customer invoices: posted customer invoices still owed in whole or in part,
        penalty invoices included. Paid, in payment, blocked and reversed invoices (cancelled by
        a full credit note) are not open: their payment state says so, the one place where
        Odoo decides it. SQL twin: ``_dunning_open_invoice_sql``."""
        return [
            *self._dunning_invoice_domain(),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
        ]

    @api.model
    def _dunning_open_invoice_sql(self, alias="m"):
        """Condition on the account_move ``alias``: ``_dunning_open_invoice_domain`` in SQL."""
        return SQL(
            "(%s AND %s.payment_state IN %s)",
            self._dunning_invoice_sql(alias),
            SQL.identifier(alias),
            OPEN_PAYMENT_STATES,
        )

    @api.model
    def _dunning_dunnable_sql(self, date):
        """Condition on invoice ``m`` of customer ``p`` (its commercial entity): an open invoice
        the dunning may remind on ``date``. It has a due date, is not disputed nor excluded up to
        ``date``, its customer is
        not excluded from dunning in the invoice's company, it is not frozen by insolvency
        proceedings, and its escalation is not paused: by the hand-over of the customer's debt
        (agency, lawyer, court), or by what the promise and payment plan models say pauses it.
        Penalty invoices are dunnable: the levels say whether they are reminded."""
        return SQL(
            """(%(open)s
                AND m.invoice_date_due IS NOT NULL
                AND m.dunning_disputed IS NOT TRUE
                AND (m.dunning_excluded_until IS NULL OR m.dunning_excluded_until < %(date)s)
                AND (p.dunning_excluded ->> m.company_id::text)::boolean IS NOT TRUE
                AND %(not_frozen)s
                AND (p.dunning_litigation_state ->> m.company_id::text IS NULL
                     OR p.dunning_litigation_state ->> m.company_id::text NOT IN %(handed_over)s)
                AND NOT %(promise)s
                AND NOT %(plan)s)""",
            open=self._dunning_open_invoice_sql("m"),
            not_frozen=DUNNED_DESPITE_PROCEEDINGS_SQL,
            handed_over=HANDED_OVER_STATES,
            promise=self.env["account.dunning.promise"]._dunning_pause_sql(date),
            plan=self.env["account.dunning.payment.plan"]._dunning_pause_sql(),
            date=date,
        )

    @api.model
    def _dunning_update_next_dates(self, company, move_ids=None):
        """Store on each customer invoice of ``company`` (of ``move_ids``) the earliest date of
        its next level, or none when it is not dunnable; in one statement."""
        self.flush_model()
        self.env["res.partner"].flush_model(
            [
                "dunning_policy_id",
                "dunning_excluded",
                "dunning_litigation_state",
                "dunning_insolvency_state",
                "dunning_insolvency_judgment_date",
            ]
        )
        for model in (
            "account.dunning.level",
            "account.dunning.policy",
            "account.dunning.promise",
            "account.dunning.payment.plan",
        ):
            self.env[model].flush_model()
        where_ids = SQL("AND m.id = ANY(%s)", list(move_ids)) if move_ids is not None else SQL()
        today = fields.Date.context_today(self)
        self.env.execute_query(
            SQL(
                """
                WITH %(levels)s,
                cur AS (
                    SELECT m.id, m.invoice_date_due AS due, m.dunning_last_date AS last_date,
                           COALESCE(last.rank, 0) AS last_rank, m.dunning_level_override_id AS ovr,
                           %(policy)s AS policy_id,
                           %(dunnable)s AS is_open
                      FROM account_move m
                      JOIN res_partner p ON p.id = m.commercial_partner_id
                      LEFT JOIN lvl last ON last.id = m.dunning_level_id
                     WHERE m.company_id = %(company_id)s
                       AND m.move_type = 'out_invoice'
                       AND (m.dunning_next_date IS NOT NULL OR %(open)s)
                       %(where_ids)s
                ),
                nxt AS (
                    SELECT cur.id,
                           CASE WHEN NOT cur.is_open THEN NULL
                                WHEN cur.ovr IS NOT NULL
                                    THEN GREATEST(cur.last_date + 1, %(today)s::date)
                                WHEN l.id IS NULL THEN NULL
                                ELSE GREATEST(cur.due + l.delay_days,
                                              cur.last_date + l.min_gap_days,
                                              cur.last_date + 1)
                           END AS next_date
                      FROM cur
                      LEFT JOIN lvl l ON l.policy_id = cur.policy_id AND l.rank = cur.last_rank + 1
                )
                UPDATE account_move m
                   SET dunning_next_date = nxt.next_date
                  FROM nxt
                 WHERE m.id = nxt.id AND m.dunning_next_date IS DISTINCT FROM nxt.next_date
                """,
                levels=LEVELS_CTE,
                policy=self.env["account.dunning.policy"]._partner_policy_sql(company),
                dunnable=self._dunning_dunnable_sql(today),
                open=self._dunning_open_invoice_sql("m"),
                company_id=company.id,
                where_ids=where_ids,
                today=today,
            )
        )
        self.invalidate_model(["dunning_next_date"])

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
        clauses = self.env["account.dunning.penalty.clause"]._get_invoice_clauses(invoices)
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

    def _dunning_get_penalties(self, as_of):
        """Late-payment interest and recovery indemnity of these invoices as of ``as_of``, not
        charged yet: computed by the penalty clauses (``account.dunning.penalty.clause.
        _get_penalties``, which documents the result)."""
        return self.env["account.dunning.penalty.clause"]._get_penalties(self, as_of)

    def _post(self, soft=True):
        overridden = self._dunning_check_credit_hold()
        Charge = self.env["account.dunning.penalty.charge"]
        Charge._check_not_charged_twice(self.filtered("dunning_is_penalty_invoice"))
        posted = super()._post(soft=soft)
        (overridden & posted)._dunning_log_hold_override()
        Charge._record_charges(posted.filtered("dunning_is_penalty_invoice"))
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
        for over in over_by_company:  # decided by the system, whoever posts
            over._dunning_put_on_hold("limit")
        return blocked

    def _dunning_log_hold_override(self):
        """A manager posted invoices over a credit hold: noted on the invoices and their
        customers, in one batch."""
        if not self:
            return
        move_notes, partner_notes = [], []
        for move in self:
            body = Markup("<p>%s</p>") % self.env._(
                "Credit hold overridden by %(user)s: invoice %(invoice)s of %(amount)s posted.",
                user=self.env.user.name,
                invoice=move.name,
                amount=format_amount(self.env, move.amount_total, move.currency_id),
            )
            move_notes.append((move.id, body))
            partner_notes.append((move.commercial_partner_id.id, body))
        self._dunning_message_log_batch(move_notes)
        self.env["res.partner"]._dunning_message_log_batch(partner_notes)

    def button_draft(self):
        res = super().button_draft()
        self.env["account.dunning.penalty.charge"]._remove_charges(self)
        return res

    def action_dunning_create_penalty_invoice(self):
        """Charge the interest and indemnities of these late invoices on draft invoices."""
        penalty_moves = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
            self, fields.Date.context_today(self)
        )
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

    def action_view_dunning_communications(self):
        return self.env["account.dunning.communication"]._action_view(
            [("line_ids.move_id", "in", self.ids)]
        )
