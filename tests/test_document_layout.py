"""Long documents as a customer or a judge receives them: a formal notice, a court dossier, a
statement of account and a penalty invoice whose tables run over several pages, and firm
letters whose table fills their page. Each document is rendered once for the class (setUpClass)
and checked with the layout checks of tests/documents.py: on page 2 the repeated table header
has its own room above the rows, and no signature is left alone on a page."""

from collections import Counter
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY
from .document_common import (
    COURT_DOSSIER,
    FORMAL_NOTICE,
    INVOICE,
    LETTER,
    STATEMENT,
    DocumentsCase,
)
from .documents import render_report

INVOICE_NAME = r"INV/\d{4}/\d{5}"
DAY = r"\d{2}/\d{2}/\d{4}"


@tagged("post_install", "-at_install")
class TestLongDocuments(DocumentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.lang = "fr_FR"
        cls.invoices = cls._invoices(
            [
                (cls.customer, date(2025, 9, 1) + timedelta(days=3 * i), 100.0 + 37.5 * i)
                for i in range(60)
            ]
        )
        cls._comm(cls.level_1, cls.invoices[:10], date(2025, 10, 15), sent=True)
        cls.notice = cls._comm(cls.level_notice, cls.invoices, TODAY, sent=True)
        cls.notice.write({"registered_letter_number": "1A 234 567 8901 2"})
        cls.notice_pdf = render_report(cls.env, FORMAL_NOTICE, cls.notice.ids)

        with freeze_time(TODAY):
            cls.penalty = cls.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                cls.invoices[:20], TODAY
            )
            cls.penalty.action_post()
        cls.penalty_pdf = render_report(cls.env, INVOICE, cls.penalty.ids)

        with freeze_time(TODAY):
            cls.dossier_pdf = render_report(cls.env, COURT_DOSSIER, cls.customer.ids)

        action = (
            cls.env["account.dunning.statement.wizard"]
            .with_context(active_model="res.partner", active_ids=cls.customer.ids)
            .create({"date_from": date(2025, 7, 1), "date_to": TODAY})
            .action_print()
        )
        cls.statement_pdf = render_report(cls.env, STATEMENT, cls.customer.ids, action["data"])

        # firm letters of 1 to 12 invoices: the end of the letter (payment means, closing,
        # signature) meets the bottom of page 1 in one of them
        small = cls._invoices(
            [(cls.customer_2, date(2026, 1, 10) + timedelta(days=i), 50.0 + i) for i in range(12)]
        )
        cls.letters = cls.env["account.dunning.communication"]
        for count in range(1, 13):
            cls.letters |= cls._comm(cls.level_2, small[-count:], TODAY)
        cls.letters_pdf = render_report(cls.env, LETTER, cls.letters.ids)

    def _assert_page_2_starts_with_header(self, pdf, first_header_cell, row_start):
        """Page 2 starts with the table's header, repeated, then rows of the table."""
        self.assertGreaterEqual(len(pdf.pages), 2, "the table runs over two pages or more")
        header = next(cells for cells in pdf.table_headers if cells[0] == first_header_cell)
        top, rows = pdf.top_of_page(2, row_start)
        self.assertEqual(
            Counter(top),
            Counter(" ".join(header).split(" ")),
            "page 2 starts with the repeated header, nothing else above the rows",
        )
        self.assertGreaterEqual(rows, 5, "rows of the table follow the header on page 2")

    def test_long_formal_notice(self):
        pdf = self.notice_pdf
        self.assertLayoutOk(pdf)
        self.assertGreaterEqual(len(pdf.pages), 3)
        self._assert_page_2_starts_with_header(pdf, "Facture", INVOICE_NAME)
        for inv in self.invoices:
            self.assertPdfContains(pdf, inv.name)
        self.assertPdfContains(pdf, "1A 234 567 8901 2")
        self.assertPdfContains(pdf, "Claire Dupont")
        # the notice is followed by the copies of its invoices, enclosed: its own last page
        notice_pages = pdf.documents()[0]
        self.assertIn("Claire Dupont", notice_pages[-1].text, "the signature ends the notice")
        self.assertIn(self.invoices[-1].name, pdf.text)

    def test_long_penalty_invoice(self):
        pdf = self.penalty_pdf
        self.assertLayoutOk(pdf)
        self.assertEqual(len(self.penalty.invoice_line_ids), 40, "interest and indemnity of 20")
        self.assertGreaterEqual(len(pdf.pages), 2)
        self.assertLessEqual(len(pdf.pages), 4)
        self._assert_page_2_starts_with_header(
            pdf, "Description", r"Late-payment|Fixed|Intérêts|Indemnité"
        )
        self.assertPdfContains(pdf, self.penalty.name)
        for inv in self.invoices[:20]:
            self.assertPdfContains(pdf, inv.name)

    def test_long_court_dossier(self):
        pdf = self.dossier_pdf
        self.assertLayoutOk(pdf)
        self.assertGreaterEqual(len(pdf.pages), 3)
        self._assert_page_2_starts_with_header(pdf, "Facture", INVOICE_NAME)
        for inv in self.invoices:
            self.assertPdfContains(pdf, inv.name)
        self.assertPdfContains(pdf, "1A 234 567 8901 2", "the registered letter in the history")
        self.assertPdfContains(pdf, self.penalty.name.split("/")[0], "the penalty invoice")

    def test_long_statement_of_account(self):
        pdf = self.statement_pdf
        self.assertLayoutOk(pdf)
        self.assertGreaterEqual(len(pdf.pages), 3)
        self._assert_page_2_starts_with_header(pdf, "Date", DAY)
        for inv in self.invoices:
            self.assertPdfContains(pdf, inv.name)
        self.assertPdfContains(pdf, "Total ouvert")

    def test_letters_keep_their_signature_with_the_closing(self):
        pdf = self.letters_pdf
        self.assertLayoutOk(pdf)
        documents = pdf.documents()
        self.assertEqual(len(documents), len(self.letters), "one document per letter")
        one_page = [pages for pages in documents if len(pages) == 1]
        two_pages = [pages for pages in documents if len(pages) == 2]
        self.assertTrue(one_page, "short letters fit on one page")
        self.assertTrue(two_pages, "long letters go on a second page")
        for pages in documents:
            last = " ".join(page.text for page in pages[-1:])
            self.assertIn("Claire Dupont", last, "the signature is on the letter's last page")
            self.assertIn("Yours faithfully", last, "with the salutation")
            self.assertIn("How to pay", last, "and the payment means")
