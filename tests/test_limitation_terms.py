"""Limitation periods (5 years for professionals, 2 for consumers, from the delivery date or
else the invoice date, restarted by a partial payment, not by a formal notice), the 6-month
warning, and the L441-10 caps of payment terms. Delivery dates, expiry, signed plans and court
claims: tests/test_limitation.py."""

import ast
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, DunningCase

D = timedelta
FIVE_YEARS = relativedelta(years=5)  # C. com. L110-4
TWO_YEARS = relativedelta(years=2)  # C. conso. L218-2


@tagged("post_install", "-at_install")
class TestLimitation(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.individual = cls.env["res.partner"].create(
            {"name": "Camille Bernard", "is_company": False, "email": "camille@example.test"}
        )

    def _near_limitation(self, moves, operator="=", value=True):
        return self.env["account.move"].search(
            [("id", "in", moves.ids), ("dunning_limitation_warning", operator, value)]
        )

    def test_customer_kind(self):
        self.assertEqual(self.customer.dunning_customer_kind, "b2b")
        self.assertEqual(self.contact.dunning_customer_kind, "b2b", "contacts follow their company")
        self.assertEqual(self.individual.dunning_customer_kind, "b2c")
        sole_trader = self.env["res.partner"].create({"name": "Luc Artisan", "is_company": False})
        sole_trader.dunning_customer_kind = "b2b"  # set by hand: a professional
        self.env.flush_all()
        sole_trader.invalidate_recordset()
        self.assertEqual(sole_trader.dunning_customer_kind, "b2b")

    def test_five_years_for_professionals(self):
        inv, inv_contact = self._invoices(
            [(self.customer, date(2025, 6, 30), 1000.0), (self.contact, date(2024, 2, 29), 500.0)]
        )
        # from the invoice date (no delivery date recorded), not from the due date
        self.assertEqual(inv.dunning_limitation_date, inv.invoice_date + FIVE_YEARS)
        self.assertEqual(inv.dunning_limitation_date, date(2030, 5, 31))
        self.assertEqual(
            inv_contact.dunning_limitation_date,
            inv_contact.invoice_date + FIVE_YEARS,
            "the company's",
        )

    def test_two_years_for_consumers(self):
        inv = self._invoices([(self.individual, date(2025, 6, 30), 1000.0)])
        self.assertEqual(inv.dunning_limitation_date, inv.invoice_date + TWO_YEARS)
        self.individual.dunning_customer_kind = "b2b"  # a sole trader after all
        self.assertEqual(inv.dunning_limitation_date, inv.invoice_date + FIVE_YEARS)

    def test_only_posted_customer_invoices(self):
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2025, 6, 1),
                "invoice_date_due": date(2025, 6, 30),
                "invoice_line_ids": [Command.create({"name": "Services", "price_unit": 10.0})],
            }
        )
        refund = self._invoices([(self.customer, date(2025, 6, 30), 100.0)], move_type="out_refund")
        self.assertFalse(draft.dunning_limitation_date)
        self.assertFalse(refund.dunning_limitation_date)
        draft.action_post()
        self.assertEqual(draft.dunning_limitation_date, date(2030, 6, 1))

    def test_credit_note_does_not_restart_the_period(self):
        inv = self._invoices([(self.customer, date(2025, 6, 30), 1000.0)])
        with freeze_time("2025-09-15"):
            refund = self._invoices(
                [(self.customer, date(2025, 9, 15), 100.0)], move_type="out_refund"
            )
            (inv | refund).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(inv.payment_state, "partial")
        self.assertEqual(
            inv.dunning_limitation_date, inv.invoice_date + FIVE_YEARS, "the creditor's own act"
        )

    def test_partial_payment_restarts_the_period(self):
        inv_early, inv_late = self._invoices(
            [(self.customer, date(2025, 6, 30), 1000.0), (self.customer, date(2025, 6, 30), 1000.0)]
        )
        self._pay(inv_early, 100.0, date(2025, 6, 1))
        self.assertEqual(
            inv_early.dunning_limitation_date,
            date(2030, 6, 1),
            "a payment before the due date acknowledges the debt too",
        )
        self._pay(inv_late, 100.0, date(2025, 9, 15))
        self.assertEqual(inv_late.dunning_limitation_date, date(2030, 9, 15))
        self._pay(inv_late, 100.0, date(2025, 11, 3))
        self.assertEqual(inv_late.payment_state, "partial")
        self.assertEqual(inv_late.dunning_limitation_date, date(2030, 11, 3), "the latest one")

    def test_formal_notice_does_not_interrupt(self):
        inv = self._invoices([(self.customer, date(2025, 6, 30), 1000.0)])
        self._sent_formal_notice(inv, date(2025, 9, 1), date(2025, 9, 4))
        self.env.flush_all()
        inv.invalidate_recordset()
        self.assertEqual(inv.dunning_limitation_date, inv.invoice_date + FIVE_YEARS)

    def test_near_limitation_warning_and_filter(self):
        # As of TODAY (2 March 2026), debts time-barred up to 2 September 2026 are near. The
        # invoices are dated 30 days before their due dates: the period runs from that date.
        near, edge, far, barred, paid, consumer, consumer_far = self._invoices(
            [
                (self.customer, date(2021, 8, 1), 1000.0),  # 2 July 2026
                (self.customer, date(2021, 10, 2), 1000.0),  # 2 September 2026: the last day in
                (self.customer, date(2021, 10, 3), 1000.0),  # 3 September 2026: out
                (self.customer_2, date(2020, 12, 31), 1000.0),  # time-barred already: listed
                (self.customer, date(2021, 8, 1), 500.0),  # paid in full
                (self.individual, date(2024, 6, 30), 800.0),  # consumer: 31 May 2026
                (self.individual, date(2025, 1, 31), 800.0),  # consumer: 1 January 2027
            ]
        )
        self.assertEqual(edge.dunning_limitation_date, date(2026, 9, 2))
        self.assertEqual(far.dunning_limitation_date, date(2026, 9, 3))
        self._pay(paid, 500.0, date(2021, 8, 20))
        invoices = near | edge | far | barred | paid | consumer | consumer_far
        expected = near | edge | barred | consumer
        with freeze_time(TODAY):
            invoices.invalidate_recordset(["dunning_limitation_warning"])
            self.assertEqual(invoices.filtered("dunning_limitation_warning"), expected)
            self.assertEqual(self._near_limitation(invoices), expected)
            self.assertEqual(self._near_limitation(invoices, "!=", True), invoices - expected)
            self.assertEqual(self._near_limitation(invoices, "=", False), invoices - expected)
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "account_dunning_fr.action_account_move_near_limitation"
            )
            listed = self.env["account.move"].search(
                [("id", "in", invoices.ids), *ast.literal_eval(action["domain"])]
            )
            self.assertEqual(listed, expected)
        with freeze_time(TODAY + D(1)):
            invoices.invalidate_recordset(["dunning_limitation_warning"])
            self.assertIn(far, self._near_limitation(invoices), "one day later, it is near")

    def test_limitation_dates_computed_in_one_query(self):
        def queries(count):
            moves = self._invoices([(self.customer, date(2025, 6, 30), 100.0)] * count)
            self._pay(moves[0], 10.0, date(2025, 8, 1))
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.add_to_compute(moves._fields["dunning_limitation_date"], moves)
            before = self.env.cr.sql_log_count
            moves.mapped("dunning_limitation_date")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(2), queries(12))


@tagged("post_install", "-at_install")
class TestPaymentTermCaps(DunningCase):
    def _term(self, *lines):
        """Payment terms from (percent, delay type, days[, days of next month]) tuples."""
        return self.env["account.payment.term"].create(
            {
                "name": "Test terms",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": line[0],
                            "delay_type": line[1],
                            "nb_days": line[2],
                            "days_next_month": line[3] if len(line) > 3 else "10",
                        }
                    )
                    for line in lines
                ],
            }
        )

    def _draft_invoice(self, invoice_date, due=None, term=None):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.customer.id,
            "invoice_date": invoice_date,
            "invoice_line_ids": [Command.create({"name": "Services", "price_unit": 100.0})],
        }
        if due:
            vals["invoice_date_due"] = due
        if term:
            vals["invoice_payment_term_id"] = term.id
        return self.env["account.move"].create(vals)

    def test_terms_within_the_caps(self):
        for lines in (
            [(100, "days_after", 30)],
            [(100, "days_after", 60)],
            [(100, "days_after_end_of_month", 45)],  # end of month + 45 days
            [(100, "days_end_of_month_on_the", 45, "0")],  # 45 days, then end of month
            [(50, "days_after", 30), (50, "days_after", 60)],
        ):
            term = self._term(*lines)
            self.assertFalse(term.dunning_exceeds_legal_cap, lines)
            self.assertFalse(term.dunning_legal_cap_warning, lines)

    def test_terms_beyond_the_caps(self):
        for lines in (
            [(100, "days_after", 90)],
            [(100, "days_after_end_of_month", 60)],  # end of month + 60 days
            [(100, "days_after", 61)],
            [(100, "days_end_of_month_on_the", 45, "10")],  # 45 days, end of month, the 10th
            [(30, "days_after", 0), (70, "days_after", 75)],  # the last instalment counts
        ):
            term = self._term(*lines)
            self.assertTrue(term.dunning_exceeds_legal_cap, lines)
            self.assertIn("L441-10", term.dunning_legal_cap_warning)

    def test_warning_names_the_worst_case(self):
        term = self._term((100, "days_after", 90))
        # 30 days over at most, when 60 days is the most favourable cap: first for invoices
        # dated 30 January (60 days: 31 March; 45 days then end of month: 31 March too).
        warning = term.dunning_legal_cap_warning
        self.assertIn("01/30/2025 would be due on 04/30/2025, after 03/31/2025", warning)

    def test_invoice_due_date_beyond_the_caps(self):
        invoice_date = date(2026, 1, 10)  # caps: 11 March, 17 March, 28 February -> 17 March
        late = self._draft_invoice(invoice_date, due=invoice_date + D(75))
        fine = self._draft_invoice(invoice_date, due=invoice_date + D(50))
        self.assertEqual(late.invoice_date_due, date(2026, 3, 26))
        self.assertTrue(late.dunning_terms_exceed_cap)
        self.assertFalse(fine.dunning_terms_exceed_cap)
        on_the_cap = self._draft_invoice(invoice_date, due=date(2026, 3, 17))
        self.assertFalse(on_the_cap.dunning_terms_exceed_cap, "45 days end of month")
        late.action_post()
        self.assertTrue(late.dunning_terms_exceed_cap, "posted invoices too")
        late.button_draft()
        late.button_cancel()
        self.assertFalse(late.dunning_terms_exceed_cap, "not on cancelled invoices")

    def test_invoice_with_payment_terms(self):
        ninety = self._draft_invoice(date(2026, 1, 10), term=self._term((100, "days_after", 90)))
        thirty = self._draft_invoice(date(2026, 1, 10), term=self._term((100, "days_after", 30)))
        self.assertEqual(ninety.invoice_date_due, date(2026, 4, 10))
        self.assertTrue(ninety.dunning_terms_exceed_cap)
        self.assertFalse(thirty.dunning_terms_exceed_cap)
