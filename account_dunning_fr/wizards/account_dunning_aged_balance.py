# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import base64
import io
from collections import defaultdict
from urllib.parse import quote

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..tools.ageing import bucket_bounds, parse_limits, residual_at_sql

DISPUTED_FILTERS = [
    ("all", "Disputed or not"),
    ("exclude", "Not disputed"),
    ("only", "Disputed only"),
]


def open_items_sql(company, as_of):
    """SELECT of the receivable items of ``company`` open on ``as_of`` (one row per journal
    item, with its residual at that date in company currency, its due date and days late), with
    the customer's collector and policy in the company and the invoice's current level and
    dispute. Shared by the aged balance and the dashboard."""
    return SQL(
        """
        SELECT * FROM (
            SELECT aml.id AS move_line_id, aml.move_id, aml.company_id,
                   rp.commercial_partner_id AS partner_id,
                   cp.dunning_collector_id AS collector_id,
                   %(policy)s AS policy_id,
                   am.dunning_level_id AS level_id,
                   COALESCE(am.dunning_disputed, FALSE) AS disputed,
                   COALESCE(aml.date_maturity, aml.date) AS date_due,
                   %(as_of)s::date - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
                   ROUND(%(residual)s, %(digits)s) AS amount
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_partner rp ON rp.id = aml.partner_id
              JOIN res_partner cp ON cp.id = rp.commercial_partner_id
             WHERE %(receivable)s
               AND aml.company_id = %(company)s
               AND aml.date <= %(as_of)s
        ) AS items
        WHERE items.amount != 0
        """,
        company=company.id,
        policy=company.env["account.dunning.policy"]._partner_policy_sql(company, "cp"),
        receivable=company.env["account.move.line"]._dunning_receivable_sql("aml"),
        as_of=as_of,
        residual=residual_at_sql("aml", as_of),
        digits=company.currency_id.decimal_places,
    )


def bucket_sql(limits, days_overdue):
    """SQL of the bucket key (tools/ageing.py) of an item ``days_overdue`` days late."""
    return SQL(
        "CASE %s ELSE %s END",
        SQL(" ").join(
            [
                SQL("WHEN %s <= %s THEN %s", days_overdue, last, key)
                for key, _first, last in bucket_bounds(limits)
                if last is not None
            ]
        ),
        str(len(limits) + 1),
    )


def flush_receivables(env):
    """Flush what open_items_sql reads, before running it."""
    env["account.move.line"].flush_model()
    env["account.partial.reconcile"].flush_model()
    env["account.move"].flush_model(["dunning_level_id", "dunning_disputed"])
    env["res.partner"].flush_model(
        [
            "commercial_partner_id",
            "dunning_collector_id",
            "dunning_policy_id",
            "dunning_customer_kind",
        ]
    )


class AccountDunningAgedBalance(models.TransientModel):
    """Aged balance (balance âgée) of the customers as of a date, in company currency.

    The figures are the open receivable residual AT the date: each receivable journal item
    dated on or before it, less the matchings (partial reconciliations) whose date is on or
    before it, so that a payment received after the date still shows the debt as open. A
    database view cannot take the date as parameter: this transient record holds the date and
    filters, and its lines are written by one ``INSERT ... SELECT`` (``_fill_lines``), one row
    per open item with its bucket; pivot, graph, list, PDF and XLSX read the lines grouped.

    The collector and policy are the customer's (its commercial entity's, policy in the
    company, else the company's default); the level and dispute are the invoice's current
    ones. Buckets follow the company's setting (``dunning_aged_bucket_limits``), by days late
    on the item's due date (an unallocated payment ages from its date)."""

    _name = "account.dunning.aged.balance"
    _description = "Aged Balance"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    collector_ids = fields.Many2many(
        "res.users", string="Collectors", domain=[("share", "=", False)]
    )
    policy_ids = fields.Many2many(
        "account.dunning.policy",
        string="Policies",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    level_ids = fields.Many2many(
        "account.dunning.level",
        string="Levels",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    disputed = fields.Selection(
        DISPUTED_FILTERS, string="Disputed Invoices", required=True, default="all"
    )
    bucket_limits = fields.Char(
        string="Aged Balance Buckets",
        readonly=True,
        default=lambda self: self.env.company.dunning_aged_bucket_limits,
    )
    line_ids = fields.One2many(
        "account.dunning.aged.balance.line", "aged_balance_id", string="Open Items"
    )
    xlsx_file = fields.Binary(string="XLSX File", readonly=True, attachment=False)
    xlsx_filename = fields.Char(string="XLSX File Name", readonly=True)

    def _compute_display_name(self):
        for balance in self:
            balance.display_name = self.env._(
                "Aged balance as of %(date)s", date=format_date(self.env, balance.date)
            )

    # -- actions ----------------------------------------------------------------------------

    def action_view(self):
        """The open items as of the date, in a pivot of customers by bucket."""
        self._fill_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_aged_balance_line"
        )
        action["domain"] = [("aged_balance_id", "=", self.id)]
        action["display_name"] = self.display_name
        return action

    def action_print_pdf(self):
        self._fill_lines()
        return self.env.ref("account_dunning_fr.action_report_dunning_aged_balance").report_action(
            self
        )

    def action_export_xlsx(self):
        self._fill_lines()
        self.write(
            {
                "xlsx_file": self._get_xlsx(),
                "xlsx_filename": self.env._(
                    "Aged balance %(date)s.xlsx", date=fields.Date.to_string(self.date)
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/"
            f"{quote(self.xlsx_filename)}?download=true",
            "target": "self",
        }

    # -- figures ----------------------------------------------------------------------------

    def _limits(self):
        return parse_limits(self.bucket_limits or self.company_id.dunning_aged_bucket_limits)

    def _filters_sql(self):
        """Conditions of the filters on the open items (alias ``items``)."""
        conditions = []
        if self.collector_ids:
            conditions.append(SQL("items.collector_id = ANY(%s)", self.collector_ids.ids))
        if self.policy_ids:
            conditions.append(SQL("items.policy_id = ANY(%s)", self.policy_ids.ids))
        if self.level_ids:
            conditions.append(SQL("items.level_id = ANY(%s)", self.level_ids.ids))
        if self.disputed == "exclude":
            conditions.append(SQL("NOT items.disputed"))
        elif self.disputed == "only":
            conditions.append(SQL("items.disputed"))
        return SQL(" AND ").join([SQL("TRUE"), *conditions])

    def _fill_lines(self):
        """Write the lines of the aged balance: one INSERT ... SELECT of the open items as of
        the date, whatever their number (the previous lines are replaced)."""
        self.ensure_one()
        self.line_ids.unlink()
        flush_receivables(self.env)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_aged_balance_line (
                    aged_balance_id, company_id, partner_id, move_line_id, move_id,
                    collector_id, policy_id, level_id, disputed, date_due, days_overdue,
                    bucket, amount, create_uid, create_date, write_uid, write_date)
                SELECT %(balance)s, items.company_id, items.partner_id, items.move_line_id,
                       items.move_id, items.collector_id, items.policy_id, items.level_id,
                       items.disputed, items.date_due, GREATEST(items.days_overdue, 0),
                       %(bucket)s, items.amount,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM (%(items)s) AS items
                 WHERE %(filters)s
                """,
                balance=self.id,
                bucket=bucket_sql(self._limits(), SQL("items.days_overdue")),
                uid=self.env.uid,
                items=open_items_sql(self.company_id, self.date),
                filters=self._filters_sql(),
            )
        )
        self.invalidate_recordset(["line_ids"])

    def _bucket_labels(self):
        """[(bucket key, column title)] in the environment's language."""
        labels = []
        for key, first, last in bucket_bounds(self._limits()):
            if first is None:
                labels.append((key, self.env._("Not due")))
            elif last is None:
                labels.append((key, self.env._("Over %(days)s days", days=first - 1)))
            else:
                labels.append((key, self.env._("%(first)s-%(last)s days", first=first, last=last)))
        return labels

    def _get_table(self):
        """{"columns": [(key, title)], "rows": [{"partner", "amounts": {key: amount},
        "total"}], "totals": {key: amount}, "total"}: the lines grouped by customer and
        bucket in one grouped read, customers by name."""
        self.ensure_one()
        columns = self._bucket_labels()
        amounts = defaultdict(lambda: defaultdict(float))
        for partner, bucket, amount in self.env["account.dunning.aged.balance.line"]._read_group(
            [("aged_balance_id", "=", self.id)], ["partner_id", "bucket"], ["amount:sum"]
        ):
            amounts[partner][bucket] += amount
        rows = [
            {
                "partner": partner,
                "amounts": amounts[partner],
                "total": sum(amounts[partner].values()),
            }
            for partner in sorted(amounts, key=lambda p: (p.display_name or "").lower())
        ]
        totals = {key: sum(row["amounts"][key] for row in rows) for key, _label in columns}
        return {
            "columns": columns,
            "rows": rows,
            "totals": totals,
            "total": sum(totals.values()),
        }

    def _filter_descriptions(self):
        """The filters applied, as lines of text for the PDF and XLSX headers."""
        descriptions = []
        if self.collector_ids:
            descriptions.append(
                self.env._(
                    "Collectors: %(names)s", names=", ".join(self.collector_ids.mapped("name"))
                )
            )
        if self.policy_ids:
            descriptions.append(
                self.env._("Policies: %(names)s", names=", ".join(self.policy_ids.mapped("name")))
            )
        if self.level_ids:
            descriptions.append(
                self.env._("Levels: %(names)s", names=", ".join(self.level_ids.mapped("name")))
            )
        if self.disputed != "all":
            labels = dict(self._fields["disputed"]._description_selection(self.env))
            descriptions.append(labels[self.disputed])
        return descriptions

    def _get_xlsx(self):
        """The aged balance as an XLSX workbook (xlsxwriter, as Odoo's exports), in bytes."""
        table = self._get_table()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Aged Balance"))
        bold = workbook.add_format({"bold": True})
        digits = self.currency_id.decimal_places
        money = workbook.add_format({"num_format": "#,##0." + "0" * digits if digits else "#,##0"})
        money_bold = workbook.add_format(
            {"bold": True, "num_format": "#,##0." + "0" * digits if digits else "#,##0"}
        )
        sheet.write(0, 0, self.company_id.name, bold)
        sheet.write(
            1,
            0,
            self.env._(
                "Aged balance as of %(date)s, in %(currency)s",
                date=format_date(self.env, self.date),
                currency=self.currency_id.name,
            ),
        )
        row = 2
        for description in self._filter_descriptions():
            sheet.write(row, 0, description)
            row += 1
        row += 1
        headers = [self.env._("Customer"), *[label for _key, label in table["columns"]]]
        headers.append(self.env._("Total"))
        for col, header in enumerate(headers):
            sheet.write(row, col, header, bold)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(headers), 16)
        for line in table["rows"]:
            row += 1
            sheet.write(row, 0, line["partner"].display_name)
            for col, (key, _label) in enumerate(table["columns"], start=1):
                sheet.write_number(row, col, line["amounts"][key], money)
            sheet.write_number(row, len(headers) - 1, line["total"], money)
        row += 1
        sheet.write(row, 0, self.env._("Total"), bold)
        for col, (key, _label) in enumerate(table["columns"], start=1):
            sheet.write_number(row, col, table["totals"][key], money_bold)
        sheet.write_number(row, len(headers) - 1, table["total"], money_bold)
        workbook.close()
        return base64.b64encode(output.getvalue())


class AccountDunningAgedBalanceLine(models.TransientModel):
    """An item open on the date of an aged balance, with its residual at that date."""

    _name = "account.dunning.aged.balance.line"
    _description = "Aged Balance Item"
    _order = "partner_id, date_due, id"

    aged_balance_id = fields.Many2one(
        "account.dunning.aged.balance", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    policy_id = fields.Many2one("account.dunning.policy", readonly=True)
    level_id = fields.Many2one("account.dunning.level", readonly=True)
    disputed = fields.Boolean(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Late", readonly=True, aggregator="max")
    bucket = fields.Selection(selection="_selection_bucket", string="Age", readonly=True)
    amount = fields.Monetary(string="Amount Due", readonly=True, currency_field="currency_id")

    @api.model
    def _selection_bucket(self):
        balance = self.env["account.dunning.aged.balance"].new(
            {"bucket_limits": self.env.company.dunning_aged_bucket_limits}
        )
        return balance._bucket_labels()

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()
