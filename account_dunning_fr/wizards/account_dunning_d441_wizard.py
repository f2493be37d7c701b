# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..report.report_dunning_d441 import D441_BUCKETS, LEGAL_TERM_DAYS

COLUMNS = [*D441_BUCKETS, "total"]


class AccountDunningD441Wizard(models.TransientModel):
    """Asks the date, the amounts (HT or TTC), the reference terms and whether to add the
    table of the invoices paid late, then prints the payment terms report of article D441-6
    of the Code de commerce (PDF) or exports it (XLSX)."""

    _name = "account.dunning.d441.wizard"
    _description = "Payment Terms Report (D441-6)"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_to = fields.Date(
        string="Date",
        required=True,
        default=lambda self: self._default_date_to(),
        help="The fiscal year end (or any date): invoices not paid at that date.",
    )
    date_from = fields.Date(
        string="Fiscal Year Start",
        compute="_compute_date_from",
        store=True,
        readonly=False,
        required=True,
        help="Start of the fiscal year: turnover and invoices paid late are those of the period "
        "from this date to the date of the report.",
    )
    amount_basis = fields.Selection(
        [("total", "Including taxes (TTC)"), ("untaxed", "Excluding taxes (HT)")],
        string="Amounts",
        required=True,
        default="total",
    )
    reference_terms = fields.Selection(
        [
            ("contractual", "Contractual terms (due date of each invoice)"),
            ("legal", "Legal terms (30 days from the invoice date)"),
        ],
        string="Reference Payment Terms",
        required=True,
        default="contractual",
    )
    with_paid_late = fields.Boolean(
        string="Add the Invoices Paid Late",
        help="The decree's option (D441-6 II): the invoices paid late during the fiscal year, "
        "instead of or beside the unpaid ones.",
    )
    xlsx_file = fields.Binary(string="XLSX File", readonly=True, attachment=False)
    xlsx_filename = fields.Char(string="XLSX File Name", readonly=True)

    @api.model
    def _default_date_to(self):
        return self.env["report.account_dunning_fr.report_d441"]._default_date(
            self.env.company, fields.Date.context_today(self)
        )

    @api.depends("date_to", "company_id")
    def _compute_date_from(self):
        for wizard in self:
            if wizard.date_to and wizard.company_id:
                dates = wizard.company_id.compute_fiscalyear_dates(wizard.date_to)
                wizard.date_from = dates["date_from"]
            else:
                wizard.date_from = False

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The start of the fiscal year must precede the date.")
                )

    def action_print(self):
        self.ensure_one()
        return self.env.ref("account_dunning_fr.action_report_dunning_d441").report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        self.write(
            {
                "xlsx_file": base64.b64encode(self._get_xlsx()),
                "xlsx_filename": self._get_filename() + ".xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=xlsx_file"
            "&filename_field=xlsx_filename&download=true",
            "target": "self",
        }

    # -- content shared by the PDF and the XLSX ------------------------------------------------

    def _get_lang(self):
        self.ensure_one()
        return self.company_id.partner_id.lang or self.env.lang

    def _get_filename(self):
        self.ensure_one()
        return self.with_context(lang=self._get_lang()).env._(
            "Payment terms D441-6 %(date)s", date=fields.Date.to_string(self.date_to)
        )

    def _get_figures(self):
        self.ensure_one()
        return self.env["report.account_dunning_fr.report_d441"]._get_figures(
            self.company_id,
            self.date_from,
            self.date_to,
            self.amount_basis,
            self.reference_terms,
            self.with_paid_late,
        )

    def _get_labels(self):
        """Every wording of the report, in the company's language: one home for the PDF and
        the XLSX."""
        self.ensure_one()
        env = self.with_context(lang=self._get_lang()).env
        basis = env._("HT") if self.amount_basis == "untaxed" else env._("TTC")
        return {
            "title": env._("Payment terms of customers (article D. 441-6 of the Code de commerce)"),
            "period": env._(
                "Situation on %(date)s, fiscal year from %(date_from)s. Amounts in %(currency)s.",
                date=format_date(env, self.date_to),
                date_from=format_date(env, self.date_from),
                currency=self.company_id.currency_id.name,
            ),
            "table_1": env._(
                "Article D. 441-6 I.-2°: invoices issued, not paid at the closing date of the "
                "fiscal year, whose term has expired"
            ),
            "table_2": env._(
                "Article D. 441-6 II: invoices issued that were paid late during the fiscal year"
            ),
            "columns": {  # in the order of the columns
                "not_due": env._("0 days (indicative)"),
                "1_30": env._("1 to 30 days"),
                "31_60": env._("31 to 60 days"),
                "61_90": env._("61 to 90 days"),
                "91_plus": env._("91 days and more"),
                "total": env._("Total (1 day and more)"),
            },
            "section_a": env._("(A) Late-payment brackets"),
            "count": env._("Number of invoices concerned"),
            "amount": env._("Total amount of the invoices concerned %(basis)s", basis=basis),
            "percent_turnover": env._("Percentage of the fiscal year's turnover HT"),
            "count_2": env._("Cumulated number of invoices concerned"),
            "amount_2": env._("Cumulated amount of the invoices concerned %(basis)s", basis=basis),
            "percent_issued": env._(
                "Percentage of the total amount of the invoices issued in the year %(basis)s",
                basis=basis,
            ),
            "section_b": env._(
                "(B) Invoices excluded from (A) relating to disputed or unrecorded debts and "
                "receivables"
            ),
            "excluded_count": env._("Number of excluded invoices"),
            "excluded_amount": env._("Total amount of excluded invoices %(basis)s", basis=basis),
            "section_c": env._(
                "(C) Reference payment terms used (contractual or legal term - article L. 441-10 "
                "of the Code de commerce)"
            ),
            "terms_used": env._("Payment terms used to compute late payments"),
            "contractual": env._("Contractual terms: the due date of each invoice"),
            "legal": env._(
                "Legal terms: %(days)s days from the invoice date (article L. 441-10 I)",
                days=LEGAL_TERM_DAYS,
            ),
            "turnover": env._("Turnover HT of the fiscal year:"),
            "issued": env._("Invoices issued in the fiscal year %(basis)s:", basis=basis),
            "notes_title": env._("How the figures are computed"),
            "notes": [
                env._(
                    "Customer invoices posted and issued on or before the date; the amount due "
                    "is what the payments and credit notes matched with each invoice on or "
                    "before that date left unpaid (not today's balance)."
                ),
                env._(
                    "Amounts in the company currency: an invoice in another currency counts at "
                    "the rate it was booked at; exchange differences are not payments."
                ),
                env._(
                    "HT amount of a partly paid invoice: its HT amount in proportion of what "
                    "remains due."
                ),
                env._(
                    "Credit notes: one matched with an invoice reduces what the invoice owes "
                    "from its date (an invoice cancelled by a full credit note was never owed "
                    "and is not counted); credit notes not matched with an invoice reduce "
                    "nothing and are not counted."
                ),
                env._(
                    "Disputed invoices (a dispute recorded on or before the date) are left out "
                    "of (A) and counted in (B)."
                ),
                env._(
                    "Invoices of late-payment interest and recovery indemnity are not counted: "
                    "they are neither turnover nor the price of a supply."
                ),
                env._(
                    "Turnover HT: customer invoices less credit notes dated in the fiscal year, "
                    "up to the date."
                ),
                env._(
                    "Invoices paid late: invoices fully settled at the date whose latest payment "
                    "falls in the fiscal year, by days between the reference due date and that "
                    "payment; invoices settled by credit notes alone are not counted."
                ),
            ],
        }

    def _get_rows(self, figures, labels):
        """The rows of both tables as (label, [cell per column] or value, kind), the layout of
        the decree, for the XLSX (the PDF template lays out the same cells)."""
        self.ensure_one()
        late = figures["late"]
        tables = [
            (
                labels["table_1"],
                [
                    ("section", labels["section_a"], None),
                    ("count", labels["count"], [late[key]["count"] for key in COLUMNS]),
                    ("amount", labels["amount"], [late[key]["amount"] for key in COLUMNS]),
                    (
                        "percent",
                        labels["percent_turnover"],
                        [late[key]["percent"] for key in COLUMNS],
                    ),
                    ("section", labels["section_b"], None),
                    ("count_single", labels["excluded_count"], figures["excluded"]["count"]),
                    ("amount_single", labels["excluded_amount"], figures["excluded"]["amount"]),
                ],
            )
        ]
        paid_late = figures["paid_late"]
        if paid_late:
            tables.append(
                (
                    labels["table_2"],
                    [
                        ("section", labels["section_a"], None),
                        ("count", labels["count_2"], [paid_late[key]["count"] for key in COLUMNS]),
                        (
                            "amount",
                            labels["amount_2"],
                            [paid_late[key]["amount"] for key in COLUMNS],
                        ),
                        (
                            "percent",
                            labels["percent_issued"],
                            [paid_late[key]["percent"] for key in COLUMNS],
                        ),
                    ],
                )
            )
        return tables

    def _get_xlsx(self):
        """The report as an XLSX workbook (one sheet, the decree's layout)."""
        self.ensure_one()
        figures = self._get_figures()
        labels = self._get_labels()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet("D441-6")
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "text_wrap": True, "border": 1})
        text = workbook.add_format({"text_wrap": True, "border": 1})
        integer = workbook.add_format({"num_format": "0", "border": 1})
        money = workbook.add_format({"num_format": "#,##0.00", "border": 1})
        percent = workbook.add_format({"num_format": "0.00", "border": 1})
        formats = {"count": integer, "amount": money, "percent": percent}
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, len(COLUMNS), 16)
        sheet.write(0, 0, labels["title"], title)
        sheet.write(1, 0, labels["period"])
        row = 3
        last_col = len(COLUMNS)
        for table_title, table_rows in self._get_rows(figures, labels):
            sheet.merge_range(row, 0, row, last_col, table_title, header)
            row += 1
            sheet.write(row, 0, "", header)
            for col, key in enumerate(COLUMNS, start=1):
                sheet.write(row, col, labels["columns"][key], header)
            row += 1
            for kind, label, values in table_rows:
                if kind == "section":
                    sheet.merge_range(row, 0, row, last_col, label, bold)
                elif kind.endswith("_single"):
                    sheet.write(row, 0, label, text)
                    sheet.write(row, 1, values, formats[kind.removesuffix("_single")])
                else:
                    sheet.write(row, 0, label, text)
                    for col, value in enumerate(values, start=1):
                        if value is False:
                            sheet.write(row, col, "-", text)
                        else:
                            sheet.write(row, col, value, formats[kind])
                row += 1
            if table_title == labels["table_1"]:
                sheet.merge_range(row, 0, row, last_col, labels["section_c"], bold)
                row += 1
                sheet.write(row, 0, labels["terms_used"], text)
                chosen = labels[self.reference_terms]
                sheet.merge_range(row, 1, row, last_col, chosen, text)
                row += 1
            row += 1
        sheet.write(row, 0, labels["turnover"], bold)
        sheet.write(row, 1, figures["turnover"], money)
        row += 1
        sheet.write(row, 0, labels["issued"], bold)
        sheet.write(row, 1, figures["issued"], money)
        row += 2
        sheet.write(row, 0, labels["notes_title"], bold)
        for note in labels["notes"]:
            row += 1
            sheet.write(row, 0, note)
        workbook.close()
        return output.getvalue()
