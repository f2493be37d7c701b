# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.dunning_documents import ageing_labels
from ..tools.ageing import AGEING_BUCKETS, ageing_bucket, residual_at_sql


class ReportDunningStatement(models.AbstractModel):
    """Statement of account (relevé de compte) of customers over a period: opening balance,
    entries of the period with the running balance, closing balance, and the items still open at
    the end of the period by ageing bucket. Three queries whatever the number of customers."""

    _name = "report.account_dunning_fr.report_dunning_statement"
    _description = "Statement of Account Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        date_from = fields.Date.to_date(data.get("date_from")) or date(date_to.year, 1, 1)
        if date_from > date_to:
            raise UserError(self.env._("The start of the period must precede its end."))
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        statements = self._get_statements(partners, company, date_from, date_to)
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "date_from": date_from,
            "date_to": date_to,
            "statements": statements,
            "buckets": [key for key, _first, _last in AGEING_BUCKETS],
            "bucket_labels": {
                lang: ageing_labels(self.with_context(lang=lang).env)
                for lang in {partner.lang or self.env.user.lang for partner in partners}
            },
        }

    @api.model
    def _get_statements(self, partners, company, date_from, date_to):
        """{partner id: {"opening", "entries", "closing", "open_items", "ageing"}} in the
        company's currency."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        # Receivable lines of posted entries of the company, for the customers.
        lines = SQL(
            """FROM account_move_line aml
               JOIN res_partner rp ON rp.id = aml.partner_id
              WHERE %(receivable)s
                AND aml.company_id = %(company)s
                AND rp.commercial_partner_id = ANY(%(partners)s)""",
            receivable=self.env["account.move.line"]._dunning_receivable_sql("aml"),
            company=company.id,
            partners=partners.ids,
        )
        opening = dict(
            self.env.execute_query(
                SQL(
                    """SELECT rp.commercial_partner_id, SUM(aml.balance) %(lines)s
                          AND aml.date < %(date_from)s GROUP BY rp.commercial_partner_id""",
                    lines=lines,
                    date_from=date_from,
                )
            )
        )
        entries = self.env.execute_query_dict(
            SQL(
                """SELECT rp.commercial_partner_id AS partner_id, aml.date, aml.move_name,
                          aml.ref, aml.name AS label, aml.date_maturity, aml.debit, aml.credit
                          %(lines)s
                     AND aml.date BETWEEN %(date_from)s AND %(date_to)s
                   ORDER BY aml.date, aml.move_name, aml.id""",
                lines=lines,
                date_from=date_from,
                date_to=date_to,
            )
        )
        open_items = self.env.execute_query_dict(
            SQL(
                """SELECT * FROM (
                       SELECT rp.commercial_partner_id AS partner_id, aml.move_name, aml.date,
                              COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                              %(residual)s AS amount
                              %(lines)s
                         AND aml.date <= %(date_to)s) AS items
                  WHERE ROUND(items.amount, 2) != 0
                  ORDER BY items.date_maturity, items.move_name""",
                residual=residual_at_sql("aml", date_to),
                lines=lines,
                date_to=date_to,
            )
        )
        statements = {
            partner.id: {
                "opening": opening.get(partner.id, 0.0),
                "entries": [],
                "closing": opening.get(partner.id, 0.0),
                "open_items": [],
                "ageing": dict.fromkeys((key for key, _f, _l in AGEING_BUCKETS), 0.0),
            }
            for partner in partners
        }
        for entry in entries:
            statement = statements[entry["partner_id"]]
            statement["closing"] += entry["debit"] - entry["credit"]
            statement["entries"].append(dict(entry, balance=statement["closing"]))
        ageing_total = defaultdict(float)
        for item in open_items:
            statement = statements[item["partner_id"]]
            days_late = (date_to - item["date_maturity"]).days
            bucket = ageing_bucket(days_late)
            statement["open_items"].append(dict(item, days_late=max(days_late, 0), bucket=bucket))
            statement["ageing"][bucket] += item["amount"]
            ageing_total[item["partner_id"]] += item["amount"]
        for partner_id, statement in statements.items():
            statement["open_total"] = ageing_total[partner_id]
        return statements
