"""Payment terms report (C. com. D441-6): on a dataset of invoices of known dates and amounts
(partial payments before and after the date, a disputed invoice, a foreign-currency invoice,
credit notes, invoices paid late and on time), the figures of both tables are those computed
here from the dataset; the PDF (the decree's layout, in French) and the XLSX show them."""

import base64
import io
import re
import zipfile
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .document_common import DocumentsCase

D441 = "account_dunning_fr.action_report_dunning_d441"
DATE = date(2025, 12, 31)
YEAR_START = date(2025, 1, 1)
BUCKETS = ["not_due", "1_30", "31_60", "61_90", "91_plus"]


def bucket(days):
    """The decree's brackets: 0 day (not late), 1-30, 31-60, 61-90, 91 and more."""
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "91_plus"


def french(amount):
    """1500.0 -> "1 500,00" (as the French PDF prints it, spaces normalised)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


@tagged("post_install", "-at_install")
class TestD441Report(DocumentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.lang = "fr_FR"  # the report is in the company's language
        cls.eur.rate_ids.unlink()  # the company currency: rate 1
        cls.usd = cls.setup_other_currency("USD", rates=[("2025-01-01", 1.1), ("2025-12-01", 1.0)])
        cls.tax = cls.company_data["default_tax_sale"]
        # The dataset: (key, invoice date, due date, price, taxed, currency, payments
        # [(date, amount in the invoice currency)], disputed on, matched credit note (date,
        # amount)).
        cls.specs = [
            # 1-30 days late at the date (terms of 45 days: 31-60 on the legal 30 days), unpaid,
            # with VAT (HT differs from TTC)
            ("late_16", date(2025, 10, 31), date(2025, 12, 15), 1000.0, True, None, [], None, None),
            # 31-60: partly paid before the date (500), and after it (700): 1,500 due at the date
            (
                "late_51",
                date(2025, 10, 10),
                date(2025, 11, 10),
                2000.0,
                False,
                None,
                [(date(2025, 11, 20), 500.0), (date(2026, 1, 15), 700.0)],
                None,
                None,
            ),
            # 91+: paid in full after the date: all of it was due at the date
            (
                "late_91",
                date(2025, 9, 1),
                date(2025, 10, 1),
                3000.0,
                False,
                None,
                [(date(2026, 2, 1), 3000.0)],
                None,
                None,
            ),
            # 61-90: USD 1,100 booked at 1.1 (1,000 EUR), half paid at 1.0 before the date
            (
                "late_77_usd",
                date(2025, 9, 15),
                date(2025, 10, 15),
                1100.0,
                False,
                "usd",
                [(date(2025, 12, 20), 550.0)],
                None,
                None,
            ),
            # disputed on 5 December: excluded from (A), counted in (B)
            (
                "disputed",
                date(2025, 10, 31),
                date(2025, 11, 30),
                800.0,
                True,
                None,
                [],
                date(2025, 12, 5),
                None,
            ),
            # not due yet at the date: the indicative 0-day column
            ("not_due", date(2025, 12, 21), date(2026, 1, 20), 600.0, False, None, [], None, None),
            # paid 40 days late during the year (table II, 31-60)
            (
                "paid_late",
                date(2025, 5, 31),
                date(2025, 6, 30),
                1200.0,
                False,
                None,
                [(date(2025, 8, 9), 1200.0)],
                None,
                None,
            ),
            # paid on time during the year (table II, 0 day)
            (
                "paid_on_time",
                date(2025, 8, 31),
                date(2025, 9, 30),
                400.0,
                False,
                None,
                [(date(2025, 9, 20), 400.0)],
                None,
                None,
            ),
            # cancelled by a full credit note before the date: never owed, counted nowhere
            (
                "credited",
                date(2025, 11, 1),
                date(2025, 12, 1),
                500.0,
                False,
                None,
                [],
                None,
                (date(2025, 12, 10), 500.0),
            ),
            # issued after the date: not in the report
            ("next_year", date(2026, 1, 5), date(2026, 2, 4), 900.0, False, None, [], None, None),
        ]
        cls.moves = {}
        for key, invoice_date, due, price, taxed, currency, _pays, disputed, _credit in cls.specs:
            move = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "currency_id": (cls.usd if currency else cls.company.currency_id).id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Services",
                                "quantity": 1,
                                "price_unit": price,
                                "tax_ids": [Command.set(cls.tax.ids if taxed else [])],
                            }
                        )
                    ],
                }
            )
            move.action_post()
            if disputed:
                move.write({"dunning_disputed": True, "dunning_dispute_date": disputed})
            cls.moves[key] = move
        # An unmatched credit note of the year: reduces the turnover, nothing else.
        cls.refunds = cls._refund(date(2025, 12, 15), 300.0)

    @classmethod
    def _refund(cls, when, amount):
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.customer.id,
                "invoice_date": when,
                "date": when,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Credit", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    def _settle(self):
        """The payments and matched credit notes of the dataset."""
        for key, *_rest, payments, _disputed, credit in self.specs:
            for when, amount in payments:
                self._pay(self.moves[key], amount, when)
            if credit:
                refund = self._refund(*credit)
                self.refunds |= refund
                (self.moves[key] | refund).line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                ).reconcile()

    def _expected(self, basis, reference="contractual", as_of=DATE):
        """The figures of both tables as of ``as_of``, computed from the dataset alone."""
        column = "amount_untaxed_signed" if basis == "untaxed" else "amount_total_signed"
        late = {key: {"count": 0, "amount": 0.0} for key in BUCKETS}
        paid_late = {key: {"count": 0, "amount": 0.0} for key in BUCKETS}
        excluded = {"count": 0, "amount": 0.0}
        turnover = issued = 0.0
        for key, invoice_date, due, _price, _taxed, _cur, payments, disputed, credit in self.specs:
            move = self.moves[key]
            if invoice_date > as_of:
                continue
            if invoice_date >= YEAR_START:
                turnover += move.amount_untaxed_signed
                issued += move[column]
            if reference == "legal":
                due = invoice_date + timedelta(days=30)
            settled = sum(amount for when, amount in payments if when <= as_of)
            if credit and credit[0] <= as_of:
                settled += credit[1]
            due_amount = move.amount_total - settled
            if due_amount > 0:
                amount = round(move[column] * due_amount / move.amount_total, 2)
                disputed_then = disputed and disputed <= as_of
                cell = excluded if disputed_then else late[bucket((as_of - due).days)]
                cell["count"] += 1
                cell["amount"] += amount
                continue
            paid_on = max((when for when, _amount in payments if when <= as_of), default=None)
            if paid_on and YEAR_START <= paid_on <= as_of:
                cell = paid_late[bucket((paid_on - due).days)]
                cell["count"] += 1
                cell["amount"] += move[column]
        turnover += sum(  # credit notes of the year
            refund.amount_untaxed_signed for refund in self.refunds if refund.invoice_date <= as_of
        )
        for table, base in ((late, turnover), (paid_late, issued)):
            table["total"] = {
                "count": sum(table[key]["count"] for key in BUCKETS[1:]),
                "amount": sum(table[key]["amount"] for key in BUCKETS[1:]),
            }
            for cell in table.values():
                cell["amount"] = round(cell["amount"], 2)
                cell["percent"] = round(cell["amount"] * 100 / base, 2)
        return {"late": late, "paid_late": paid_late, "excluded": excluded, "turnover": turnover}

    def _wizard(self, **values):
        with freeze_time("2026-03-02"):
            form = Form(self.env["account.dunning.d441.wizard"])
            for name, value in values.items():
                setattr(form, name, value)
            return form.save()

    def assertFigures(self, figures, expected):
        self.assertAlmostEqual(figures["turnover"], expected["turnover"], places=2)
        self.assertEqual(figures["excluded"]["count"], expected["excluded"]["count"])
        self.assertAlmostEqual(figures["excluded"]["amount"], expected["excluded"]["amount"], 2)
        for table in ("late", "paid_late") if figures["paid_late"] else ("late",):
            for key, cell in expected[table].items():
                got = figures[table][key]
                self.assertEqual(got["count"], cell["count"], f"{table} {key}: count")
                self.assertAlmostEqual(got["amount"], cell["amount"], 2, f"{table} {key}")
                self.assertAlmostEqual(got["percent"], cell["percent"], 2, f"{table} {key} %")

    def test_figures_as_of_the_fiscal_year_end(self):
        self._settle()
        wizard = self._wizard(with_paid_late=True)
        self.assertEqual(wizard.date_to, DATE, "default: the last fiscal year end")
        self.assertEqual(wizard.date_from, YEAR_START)
        figures = wizard._get_figures()
        expected = self._expected("total")
        self.assertFigures(figures, expected)
        # What the dataset says, in plain figures (a reader's check of the computation above).
        late = figures["late"]
        self.assertEqual([late[key]["count"] for key in [*BUCKETS, "total"]], [1, 1, 1, 1, 1, 4])
        self.assertEqual(late["31_60"]["amount"], 1500.0, "2,000 less the 500 paid before")
        self.assertEqual(late["91_plus"]["amount"], 3000.0, "paid after the date: still due")
        self.assertEqual(late["61_90"]["amount"], 500.0, "half of USD 1,100 at its booking rate")
        self.assertEqual(late["1_30"]["amount"], self.moves["late_16"].amount_total_signed)
        self.assertEqual(
            figures["excluded"], {"count": 1, "amount": self.moves["disputed"].amount_total}
        )
        self.assertEqual(
            [figures["paid_late"][key]["count"] for key in [*BUCKETS, "total"]], [1, 0, 1, 0, 0, 1]
        )
        # HT: the amounts without VAT, the same invoices.
        untaxed = self._wizard(amount_basis="untaxed", with_paid_late=True)._get_figures()
        self.assertFigures(untaxed, self._expected("untaxed"))
        self.assertEqual(untaxed["late"]["1_30"]["amount"], 1000.0)
        # Legal terms: lateness from the invoice date + 30 days.
        legal = self._wizard(reference_terms="legal", with_paid_late=True)._get_figures()
        self.assertFigures(legal, self._expected("total", "legal"))
        # Any date: as of 30 November 2025, the payments of December do not count yet.
        earlier = self._wizard(date_to=date(2025, 11, 30))._get_figures()
        self.assertFigures(earlier, self._expected("total", as_of=date(2025, 11, 30)))
        self.assertEqual(
            earlier["late"]["31_60"]["amount"], 4000.0, "USD 1,100 unpaid (46 days), 3,000 (60)"
        )
        self.assertFalse(earlier["paid_late"], "the option not asked")
        self.assertEqual(earlier["excluded"]["count"], 0, "disputed only from 5 December")

    def test_pdf_in_the_decree_layout_and_xlsx(self):
        self._settle()
        wizard = self._wizard(with_paid_late=True)
        expected = self._expected("total")
        pdf = self.render(D441, wizard.ids)
        self.assertLayoutOk(pdf)
        for phrase in (
            "Article D. 441-6 I.-2° : Factures émises non réglées à la date de clôture de "
            "l'exercice dont le terme est échu",
            "0 jour (indicatif)",
            "1 à 30 jours",
            "31 à 60 jours",
            "61 à 90 jours",
            "91 jours et plus",
            "Total (1 jour et plus)",
            "(A) Tranches de retard de paiement",
            "Nombre de factures concernées",
            "Montant total des factures concernées TTC",
            "Pourcentage du chiffre d'affaires HT de l'exercice",
            "(B) Factures exclues du (A) relatives à des dettes et créances litigieuses ou non "
            "comptabilisées",
            "Nombre de factures exclues",
            "(C) Délais de paiement de référence utilisés",
            "Délais contractuels : la date d'échéance de chaque facture",
            "Délais légaux : 30 jours à compter de la date de la facture",
            "Article D. 441-6 II : Factures émises ayant connu un retard de paiement au cours de "
            "l'exercice",
            "Situation au 31/12/2025",
            "les avoirs non lettrés avec une facture ne réduisent rien",
        ):
            self.assertPdfContains(pdf, phrase)
        late = expected["late"]
        self.assertPdfContains(
            pdf,
            " ".join(french(late[key]["amount"]) for key in [*BUCKETS, "total"]),
            "the amounts row, column by column",
        )
        self.assertPdfContains(
            pdf,
            " ".join(f"{french(late[key]['percent'])} %" for key in [*BUCKETS, "total"]),
            "the percentages of the turnover",
        )
        self.assertPdfContains(pdf, french(expected["excluded"]["amount"]))
        self.assertPdfContains(pdf, "☒ Délais contractuels")

        # XLSX: the same figures, read back from the sheet's XML.
        wizard.action_export_xlsx()
        self.assertTrue(wizard.xlsx_filename.endswith(".xlsx"))
        cells = self._xlsx_cells(base64.b64decode(wizard.xlsx_file))
        rows = {row[0]: row[1:] for row in cells.values() if row and isinstance(row[0], str)}
        self.assertEqual(
            rows["Nombre de factures concernées"],
            [float(late[key]["count"]) for key in [*BUCKETS, "total"]],
        )
        self.assertEqual(
            rows["Montant total des factures concernées TTC"],
            [late[key]["amount"] for key in [*BUCKETS, "total"]],
        )
        self.assertEqual(
            rows["Pourcentage du chiffre d'affaires HT de l'exercice"],
            [late[key]["percent"] for key in [*BUCKETS, "total"]],
        )
        self.assertEqual(rows["Nombre de factures exclues"], [1.0])
        self.assertEqual(
            rows["Montant total des factures exclues TTC"], [expected["excluded"]["amount"]]
        )
        paid_late = expected["paid_late"]
        self.assertEqual(
            rows["Montant cumulé des factures concernées TTC"],
            [paid_late[key]["amount"] for key in [*BUCKETS, "total"]],
        )

    def test_one_query_per_table_and_penalty_invoices_left_out(self):
        self._settle()
        # A penalty invoice of the year (interest and indemnity of a late invoice): neither
        # turnover nor a late commercial invoice.
        with freeze_time("2025-12-20"):
            penalty = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                self.moves["late_91"], date(2025, 12, 20)
            )
            penalty.action_post()
        self.assertGreater(penalty.amount_total, 40.0)
        wizard = self._wizard(with_paid_late=True)
        wizard.fetch(
            [
                "company_id",
                "date_from",
                "date_to",
                "amount_basis",
                "reference_terms",
                "with_paid_late",
            ]
        )
        wizard.company_id.fetch(["currency_id"])
        self.env.flush_all()
        with self.assertQueryCount(3):  # the year's totals, table I, table II
            figures = wizard._get_figures()
        self.assertFigures(figures, self._expected("total"))

    def test_accountant_prints_it_invoicing_clerk_may_not(self):
        accountant = new_test_user(
            self.env, login="d441.accountant", groups="account.group_account_user"
        )
        self.assertFalse(accountant.has_group("account_dunning_fr.group_dunning_user"))
        self._settle()
        wizard = self._wizard().with_user(accountant)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "account_dunning_fr.report_d441")
        html, _type = (
            self.env["ir.actions.report"].with_user(accountant)._render_qweb_html(D441, wizard.ids)
        )
        self.assertIn("Tranches de retard de paiement", html.decode())
        clerk = new_test_user(self.env, login="d441.clerk", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            self.env["account.dunning.d441.wizard"].with_user(clerk).create({})
        menus = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        self.assertIn(
            self.env.ref("account_dunning_fr.menu_account_dunning_d441_reporting").id, menus
        )

    def test_bad_dates_are_refused(self):
        with self.assertRaises(ValidationError):
            self._wizard(date_to=date(2025, 12, 31), date_from=date(2026, 1, 1))

    @staticmethod
    def _xlsx_cells(content):
        """{row number: [values]} of the first sheet (shared strings resolved, numbers as
        floats), read with zipfile from the workbook's XML."""
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            strings = [
                re.sub(r"<[^>]+>", "", item)
                for item in re.findall(
                    r"<si>(.*?)</si>", archive.read("xl/sharedStrings.xml").decode(), re.S
                )
            ]
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        rows = {}
        for number, body in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', sheet, re.S):
            values = []
            for attrs, value in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", body, re.S):
                raw = re.search(r"<v>(.*?)</v>", value or "")
                if not raw:
                    continue
                if 't="s"' in attrs:
                    values.append(unescape_xml(strings[int(raw.group(1))]))
                else:
                    values.append(float(raw.group(1)))
            rows[int(number)] = values
        return rows


def unescape_xml(text):
    return (
        text.replace("&apos;", "'")
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )
