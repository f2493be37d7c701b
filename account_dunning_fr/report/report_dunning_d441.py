# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.ageing import AGEING_BUCKETS

# The lateness brackets of the decree's table are the ageing buckets of the documents:
# 0 day (indicative: not late), 1-30, 31-60, 61-90, 91 days and more.
D441_BUCKETS = [key for key, _first, _last in AGEING_BUCKETS]
D441_LATE_BUCKETS = D441_BUCKETS[1:]
# Legal payment term (C. com. L441-10 I) when no contractual term is the reference: 30 days,
# from the invoice date (which stands for the receipt of the goods or the service).
LEGAL_TERM_DAYS = 30


def _bucket_sql(days):
    """SQL ``CASE`` giving the bucket key of ``days`` days late (an SQL expression)."""
    cases = [
        SQL("WHEN %s <= %s THEN %s", days, last, key)
        for key, _first, last in AGEING_BUCKETS
        if last is not None
    ]
    return SQL("CASE %s ELSE %s END", SQL(" ").join(cases), AGEING_BUCKETS[-1][0])


class ReportDunningD441(models.AbstractModel):
    """Payment terms of customers for the management report (C. com. D441-6, annex A.441-2):
    the invoices issued and not paid at a date, past due, by lateness bracket; the disputed
    ones excluded; optionally the invoices paid late during the fiscal year.

    Figures as of the date, set-based: one query for the year's totals, one per table. Amounts
    in the company currency (a foreign-currency invoice at the rate it was booked at), the part
    still due at the date from the payments and credit notes matched with it on or before it."""

    _name = "report.account_dunning_fr.report_d441"
    _description = "Payment Terms Report (D441-6)"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["account.dunning.d441.wizard"].browse(docids)
        if not wizards:
            raise UserError(self.env._("Open the payment terms report from its menu."))
        return {
            "doc_ids": wizards.ids,
            "doc_model": "account.dunning.d441.wizard",
            "docs": wizards,
            "figures": {wizard.id: wizard._get_figures() for wizard in wizards},
        }

    # -- figures -----------------------------------------------------------------------------

    @api.model
    def _get_figures(self, company, date_from, date_to, basis, reference, with_paid_late):
        """The figures of both tables of the decree.

        :param company: the company (its currency is the report's)
        :param date date_from: first day of the fiscal year
        :param date date_to: the date of the report (the fiscal year end, or any date)
        :param str basis: ``untaxed`` (HT) or ``total`` (TTC)
        :param str reference: ``contractual`` (each invoice's due date) or ``legal`` (30 days
            from the invoice date)
        :param bool with_paid_late: also the table of the invoices paid late during the year
        :return: dict with ``turnover`` (HT of the year), ``issued`` (invoices issued in the
            year, on ``basis``), ``late`` and ``paid_late`` ({bucket: {count, amount,
            percent}}, with a ``total`` of 1 day and more), ``excluded`` ({count, amount})
        """
        if date_from > date_to:
            raise UserError(self.env._("The start of the fiscal year must precede the date."))
        for model in ("account.move", "account.move.line", "account.partial.reconcile"):
            self.env[model].flush_model()
        turnover, issued = self._get_year_totals(company, date_from, date_to, basis)
        late, excluded = self._get_unpaid(company, date_to, basis, reference)
        figures = {
            "turnover": turnover,
            "issued": issued,
            "late": self._with_totals(late, turnover),
            "excluded": excluded,
            "paid_late": False,
        }
        if with_paid_late:
            paid_late = self._get_paid_late(company, date_from, date_to, basis, reference)
            figures["paid_late"] = self._with_totals(paid_late, issued)
        return figures

    @api.model
    def _with_totals(self, rows, base):
        """{bucket: {count, amount, percent}} for every bucket, and the ``total`` of the late
        buckets (1 day and more); ``percent`` of ``base`` (False when ``base`` is zero)."""
        table = {key: rows.get(key, {"count": 0, "amount": 0.0}) for key in D441_BUCKETS}
        table["total"] = {
            "count": sum(table[key]["count"] for key in D441_LATE_BUCKETS),
            "amount": sum(table[key]["amount"] for key in D441_LATE_BUCKETS),
        }
        for cell in table.values():
            cell["amount"] = round(cell["amount"], 2)
            cell["percent"] = round(cell["amount"] * 100 / base, 2) if base else False
        return table

    @api.model
    def _invoices_sql(self, company, date_to):
        """The customer invoices the report is about: posted, issued on or before ``date_to``,
        not penalty invoices (late interest and indemnity are neither turnover nor a supply)."""
        return SQL(
            """
            SELECT m.id, m.invoice_date, m.invoice_date_due, m.amount_total,
                   m.amount_total_signed, m.amount_untaxed_signed, cur.decimal_places,
                   COALESCE(m.dunning_disputed, FALSE)
                   AND COALESCE(m.dunning_dispute_date, %(date_to)s) <= %(date_to)s AS disputed
              FROM account_move m
              JOIN res_currency cur ON cur.id = m.currency_id
             WHERE m.company_id = %(company)s
               AND %(invoices)s
               AND m.invoice_date <= %(date_to)s
            """,
            invoices=self.env["account.move"]._dunning_invoice_sql("m", penalties=False),
            company=company.id,
            date_to=date_to,
        )

    @api.model
    def _settled_sql(self, date_to):
        """Per invoice, what was settled on or before ``date_to`` in the invoice's currency
        (payments and credit notes matched with it; not the exchange-difference entries, which
        are no payment of the debtor), and the date of its latest payment (credit notes
        excluded)."""
        return SQL(
            """
            SELECT line.move_id,
                   SUM(apr.debit_amount_currency) AS settled,
                   MAX(apr.max_date) FILTER (
                       WHERE counterpart_move.move_type != 'out_refund'
                   ) AS paid_on
              FROM account_partial_reconcile apr
              JOIN account_move_line line ON line.id = apr.debit_move_id
              JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
              JOIN account_move counterpart_move ON counterpart_move.id = counterpart.move_id
             WHERE line.move_id IN (SELECT id FROM invoices)
               AND line.display_type = 'payment_term'
               AND apr.max_date <= %(date_to)s
               AND NOT EXISTS (
                   SELECT 1 FROM account_partial_reconcile exchange
                    WHERE exchange.exchange_move_id = counterpart.move_id
               )
             GROUP BY line.move_id
            """,
            date_to=date_to,
        )

    @api.model
    def _reference_due_sql(self, reference):
        """The reference due date of an invoice (alias ``invoices``)."""
        if reference == "legal":
            return SQL("(invoices.invoice_date + %s)", LEGAL_TERM_DAYS)
        return SQL("invoices.invoice_date_due")

    @api.model
    def _amount_sql(self, basis, ratio):
        """The amount in the company currency on ``basis`` of the fraction ``ratio`` of an
        invoice (alias ``invoices``)."""
        column = SQL(
            "invoices.amount_untaxed_signed"
            if basis == "untaxed"
            else "invoices.amount_total_signed"
        )
        return SQL("ROUND(%s * %s, 2)", column, ratio)

    @api.model
    def _get_year_totals(self, company, date_from, date_to, basis):
        """(turnover HT, amount of the invoices issued) of [date_from, date_to]: customer
        invoices less credit notes dated in the period; issued: invoices only, on ``basis``.
        Penalty invoices are left out of both."""
        issued_column = SQL(
            "amount_untaxed_signed" if basis == "untaxed" else "amount_total_signed"
        )
        [(turnover, issued)] = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(amount_untaxed_signed), 0),
                       COALESCE(SUM(%(issued)s) FILTER (WHERE move_type = 'out_invoice'), 0)
                  FROM account_move
                 WHERE company_id = %(company)s
                   AND move_type IN ('out_invoice', 'out_refund')
                   AND state = 'posted'
                   AND invoice_date BETWEEN %(date_from)s AND %(date_to)s
                   AND NOT COALESCE(dunning_is_penalty_invoice, FALSE)
                """,
                issued=issued_column,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        return float(turnover), float(issued)

    @api.model
    def _get_unpaid(self, company, date_to, basis, reference):
        """Table I: the invoices not paid at ``date_to``, by bucket of lateness at that date
        (not disputed), and the disputed ones (excluded). One query.

        :return: ({bucket: {count, amount}}, {count, amount})"""
        ratio = SQL(
            "(invoices.amount_total - COALESCE(settled.settled, 0)) / invoices.amount_total"
        )
        days = SQL("(%s::date - %s)", date_to, self._reference_due_sql(reference))
        rows = self.env.execute_query(
            SQL(
                """
                WITH invoices AS (%(invoices)s), settled AS (%(settled)s)
                SELECT CASE WHEN invoices.disputed THEN 'excluded' ELSE %(bucket)s END,
                       COUNT(*), SUM(%(amount)s)
                  FROM invoices
                  LEFT JOIN settled ON settled.move_id = invoices.id
                 WHERE invoices.amount_total != 0
                   AND ROUND(invoices.amount_total - COALESCE(settled.settled, 0),
                             invoices.decimal_places) > 0
                 GROUP BY 1
                """,
                invoices=self._invoices_sql(company, date_to),
                settled=self._settled_sql(date_to),
                bucket=_bucket_sql(days),
                amount=self._amount_sql(basis, ratio),
            )
        )
        cells = {key: {"count": count, "amount": float(amount)} for key, count, amount in rows}
        excluded = cells.pop("excluded", {"count": 0, "amount": 0.0})
        excluded["amount"] = round(excluded["amount"], 2)
        return cells, excluded

    @api.model
    def _get_paid_late(self, company, date_from, date_to, basis, reference):
        """Table II (the decree's option): the invoices whose payment completed during
        [date_from, date_to], by bucket of lateness at their latest payment (0 day: paid within
        the terms). Invoices settled by credit notes alone were never owed: not counted.
        One query.

        :return: {bucket: {count, amount}}"""
        days = SQL("(settled.paid_on - %s)", self._reference_due_sql(reference))
        rows = self.env.execute_query(
            SQL(
                """
                WITH invoices AS (%(invoices)s), settled AS (%(settled)s)
                SELECT %(bucket)s, COUNT(*), SUM(%(amount)s)
                  FROM invoices
                  JOIN settled ON settled.move_id = invoices.id
                 WHERE ROUND(invoices.amount_total - settled.settled, invoices.decimal_places) <= 0
                   AND settled.paid_on BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY 1
                """,
                invoices=self._invoices_sql(company, date_to),
                settled=self._settled_sql(date_to),
                bucket=_bucket_sql(days),
                amount=self._amount_sql(basis, SQL("1")),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return {key: {"count": count, "amount": float(amount)} for key, count, amount in rows}

    @api.model
    def _default_date(self, company, today):
        """The last fiscal year end of ``company`` before ``today``."""
        current = company.compute_fiscalyear_dates(today)
        return current["date_from"] - timedelta(days=1)
