"""French late-payment penalties: interest by semester, partial payments, legal floor, 40 EUR
indemnity, consumers, penalty invoices that never charge twice, invoice mentions."""

import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCase

# Reference rates of the shared table (percent), used to state the expected figures.
ECB = {(2024, 2): 4.25, (2025, 1): 3.15, (2025, 2): 2.15, (2026, 1): 2.15}
LEGAL_OTHER = {(2024, 1): 5.07, (2025, 1): 3.71, (2025, 2): 2.76, (2026, 1): 2.62}


def simple_interest(*parts):
    """Sum of base x rate% x days / 365, rounded half-up to the cent (the convention)."""
    total = sum(base * rate / 100 * days / 365 for base, rate, days in parts)
    return float(f"{total + 1e-9:.2f}")


@tagged("post_install", "-at_install")
class TestPenalties(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur
        cls.statutory = cls.company.dunning_penalty_clause_id
        cls.consumer_clause = cls.company.dunning_consumer_clause_id
        cls.individual = cls.env["res.partner"].create(
            {"name": "Camille Bernard", "is_company": False, "email": "camille@example.test"}
        )

    def _penalty(self, invoice, as_of):
        return invoice._dunning_get_penalties(as_of).get(invoice.id, {})

    def test_default_clauses_and_products(self):
        self.assertEqual(self.statutory.rate_mode, "ecb_margin")
        self.assertEqual(self.statutory.margin, 10.0)
        self.assertEqual(self.statutory.indemnity_amount, 40.0)
        self.assertTrue(self.consumer_clause.consumer)
        self.assertFalse(self.consumer_clause.indemnity)
        self.assertFalse(self.company.dunning_interest_product_id.taxes_id)
        self.assertFalse(self.company.dunning_indemnity_product_id.taxes_id)

    def test_reference_example_of_the_convention(self):
        clause = self.statutory.copy({"rate_mode": "fixed", "fixed_rate": 15.0})
        self.customer.with_company(self.company).dunning_penalty_clause_id = clause
        inv = self._invoices([(self.customer, date(2025, 1, 31), 15000.0)])
        penalty = self._penalty(inv, date(2025, 3, 2))  # 30 days late
        self.assertEqual(penalty["interest"], 184.93)

    def test_invoice_spanning_three_semesters(self):
        inv = self._invoices([(self.customer, date(2024, 11, 15), 10000.0)])
        penalty = self._penalty(inv, date(2025, 8, 14))
        expected = simple_interest(
            (10000, ECB[2024, 2] + 10, 46),  # 16 Nov - 31 Dec 2024
            (10000, ECB[2025, 1] + 10, 181),  # 1 Jan - 30 Jun 2025
            (10000, ECB[2025, 2] + 10, 45),  # 1 Jul - 14 Aug 2025
        )
        self.assertAlmostEqual(penalty["interest"], expected)
        self.assertEqual(len(penalty["segments"]), 3)
        self.assertEqual(penalty["indemnity"], 40.0)
        with freeze_time("2025-08-14"):
            inv.invalidate_recordset()
            self.assertAlmostEqual(inv.dunning_interest_amount, expected)
            self.assertAlmostEqual(inv.dunning_claim_total, 10000 + expected + 40)

    def test_several_partial_payments_and_paid_late(self):
        inv = self._invoices([(self.customer, date(2025, 1, 31), 10000.0)])
        self._pay(inv, 3000.0, date(2025, 3, 10))
        self._pay(inv, 2000.0, date(2025, 5, 20))
        rate = ECB[2025, 1] + 10
        expected = simple_interest((10000, rate, 38), (7000, rate, 71), (5000, rate, 41))
        self.assertAlmostEqual(self._penalty(inv, date(2025, 6, 30))["interest"], expected)
        # Paid in full on 30 June: the figures are final, whatever the computation date.
        self._pay(inv, 5000.0, date(2025, 6, 30))
        self.assertEqual(inv.payment_state, "paid")
        later = self._penalty(inv, date(2025, 12, 31))
        self.assertAlmostEqual(later["interest"], expected)
        self.assertEqual(later["date_to"], date(2025, 6, 30))
        self.assertEqual(later["indemnity"], 40.0, "paid late: the indemnity is owed")

    def test_paid_on_time_owes_nothing(self):
        inv = self._invoices([(self.customer, date(2025, 1, 31), 1000.0)])
        self._pay(inv, 1000.0, date(2025, 1, 30))
        self.assertFalse(self._penalty(inv, date(2025, 6, 30)))

    def test_multiple_of_legal_rate_and_legal_floor(self):
        clause = self.statutory.copy({"rate_mode": "legal_multiple", "multiple": 2.0})
        self.assertTrue(clause.below_floor_warning, "2 x the legal rate is flagged")
        self.customer.with_company(self.company).dunning_penalty_clause_id = clause
        inv = self._invoices([(self.customer, date(2025, 3, 31), 1000.0)])
        # 1 Apr - 30 Jun 2025: 91 days at the floor, 3 x the legal rate (not 2 x).
        expected = simple_interest((1000, 3 * LEGAL_OTHER[2025, 1], 91))
        self.assertAlmostEqual(self._penalty(inv, date(2025, 6, 30))["interest"], expected)

    def test_fixed_rate_floored_only_in_the_semesters_below(self):
        clause = self.statutory.copy({"rate_mode": "fixed", "fixed_rate": 8.0})
        self.assertIn("2025 H2", clause.below_floor_warning)
        self.assertNotIn("2026 H1", clause.below_floor_warning, "8 % > 3 x 2.62 %")
        self.customer.with_company(self.company).dunning_penalty_clause_id = clause
        inv = self._invoices([(self.customer, date(2025, 9, 30), 5000.0)])
        expected = simple_interest(
            (5000, 3 * LEGAL_OTHER[2025, 2], 92),  # Oct-Dec 2025: floor 8.28 %
            (5000, 8.0, 90),  # Jan-Mar 2026: the contractual 8 %
        )
        self.assertAlmostEqual(self._penalty(inv, date(2026, 3, 31))["interest"], expected)
        statutory = self.statutory
        self.assertFalse(statutory.below_floor_warning, "the statutory rate has no floor")

    def test_missing_rate_is_named(self):
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        self.assertEqual(
            inv._dunning_get_penalties(date(2026, 8, 1))[inv.id]["missing"], [date(2026, 7, 1)]
        )
        with freeze_time("2026-08-01"):
            inv.invalidate_recordset()
            self.assertIn("2026 H2 is missing", inv.dunning_penalty_error)
            # June 2026 only: 1000 x 12.15 % x 30 / 365 = 9.99 (test_penalty_cases.py)
            self.assertEqual(inv.dunning_interest_amount, 9.99)

    def test_consumer_owes_interest_from_formal_notice_only(self):
        self.assertEqual(self.individual.dunning_customer_kind, "b2c")
        inv = self._invoices([(self.individual, date(2025, 1, 31), 2000.0)])
        self.assertFalse(self._penalty(inv, date(2025, 4, 30))["interest"])
        self.assertFalse(self._penalty(inv, date(2025, 4, 30))["indemnity"], "never for consumers")
        self._sent_formal_notice(inv, date(2025, 3, 1), date(2025, 3, 4))
        # From the day after the proof of receipt (5 March) to 30 April: 57 days, legal rate.
        expected = simple_interest((2000, LEGAL_OTHER[2025, 1], 57))
        self.assertAlmostEqual(self._penalty(inv, date(2025, 4, 30))["interest"], expected)

    def test_disputed_and_insolvent_accrue_nothing(self):
        inv, inv_2 = self._invoices(
            [
                (self.customer, date(2025, 1, 31), 1000.0),
                (self.customer_2, date(2025, 1, 31), 1000.0),
            ]
        )
        inv.dunning_disputed = True
        self.customer_2.dunning_insolvency_state = "receivership"
        self.assertFalse(inv._dunning_get_penalties(date(2025, 6, 30)))
        self.assertFalse(inv_2._dunning_get_penalties(date(2025, 6, 30)))

    def test_penalty_invoice_never_charges_twice(self):
        inv = self._invoices([(self.customer, date(2025, 1, 31), 10000.0)])
        rate = ECB[2025, 1] + 10
        with freeze_time("2025-04-30"):
            penalty = self.customer.action_dunning_create_penalty_invoice()
            first = self.env["account.move"].browse(penalty["res_id"])
            # A second draft before the first is posted: it would charge the same again.
            second = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                inv, date(2025, 4, 30)
            )
        self.assertEqual(first.move_type, "out_invoice")
        self.assertTrue(first.dunning_is_penalty_invoice)
        interest_line = first.invoice_line_ids.filtered(
            lambda line: line.dunning_penalty_kind == "interest"
        )
        indemnity_line = first.invoice_line_ids - interest_line
        self.assertAlmostEqual(interest_line.price_subtotal, simple_interest((10000, rate, 89)))
        self.assertEqual(indemnity_line.price_subtotal, 40.0)
        self.assertFalse(first.invoice_line_ids.tax_ids, "penalties are outside the scope of VAT")
        self.assertIn(inv.name, interest_line.name)
        self.assertEqual(first.amount_tax, 0.0)
        with freeze_time("2025-04-30"):
            first.action_post()
        self.assertEqual(len(inv.dunning_penalty_charge_ids), 1)
        self.assertFalse(self._penalty(inv, date(2025, 4, 30))["interest"])
        self.assertFalse(self._penalty(inv, date(2025, 4, 30))["indemnity"])
        with freeze_time("2025-04-30"), self.assertRaisesRegex(UserError, "already been"):
            second.action_post()
        with self.assertRaisesRegex(UserError, "nothing|no late-payment"):
            self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                inv, date(2025, 4, 30)
            )
        # Two months later: only May and June are charged, and no second indemnity.
        later = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
            inv, date(2025, 6, 30)
        )
        self.assertEqual(later.invoice_line_ids.dunning_penalty_kind, "interest")
        expected = simple_interest((10000, rate, 150)) - simple_interest((10000, rate, 89))
        self.assertAlmostEqual(later.amount_total, expected, places=2)
        self.assertEqual(later.invoice_line_ids.dunning_penalty_date_from, date(2025, 5, 1))
        # Resetting the first penalty invoice to draft frees what it charged.
        first.button_draft()
        self.assertFalse(inv.dunning_penalty_charge_ids)

    def test_invoice_pdf_states_the_legal_mentions(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        inv_fr = self._invoices([(self.customer, date(2026, 3, 31), 1200.0)])
        inv_en = self._invoices([(self.customer_2, date(2026, 3, 31), 800.0)])
        inv_b2c = self._invoices([(self.individual, date(2026, 3, 31), 300.0)])
        texts = {}
        for inv in inv_fr | inv_en | inv_b2c:
            pdf, _type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("account.account_invoices", inv.ids)
            )
            with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
                tmp.write(pdf)
                tmp.flush()
                texts[inv] = " ".join(
                    subprocess.run(
                        ["pdftotext", "-layout", tmp.name, "-"],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout.split()
                )
        self.assertIn("L441-10", texts[inv_en])
        self.assertIn("late-payment penalties", texts[inv_en])
        self.assertIn("D441-5", texts[inv_en])
        self.assertIn("40", texts[inv_en])
        self.assertIn("pénalités de retard", texts[inv_fr])
        self.assertIn("D441-5", texts[inv_fr])
        self.assertIn("1344-1", texts[inv_b2c])
        self.assertNotIn("D441-5", texts[inv_b2c], "no recovery indemnity for consumers")

    def test_run_snapshots_penalties_and_customer_totals(self):
        inv, inv_2 = self._invoices(
            [(self.customer, date(2025, 1, 31), 10000.0), (self.contact, date(2025, 3, 31), 2000.0)]
        )
        rate = ECB[2025, 1] + 10
        expected = simple_interest((10000, rate, 89))
        expected_2 = simple_interest((2000, rate, 30))
        comms = self._run(date(2025, 4, 30))
        self.assertEqual(len(comms), 1, "contacts roll up to their company")
        line = comms.line_ids.filtered(lambda line: line.move_id == inv)
        self.assertAlmostEqual(line.interest_amount, expected)
        self.assertEqual(line.indemnity_amount, 40.0)
        self.assertAlmostEqual(comms.amount_interest, expected + expected_2)
        self.assertEqual(comms.amount_indemnity, 80.0)
        with freeze_time("2025-04-30"):
            self.customer.invalidate_recordset()
            self.assertAlmostEqual(self.customer.dunning_interest_total, expected + expected_2)
            self.assertEqual(self.customer.dunning_indemnity_total, 80.0)
            action = comms.action_create_penalty_invoice()
        penalty = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(penalty.invoice_line_ids.dunning_penalty_source_id, inv | inv_2)
        self.assertAlmostEqual(penalty.amount_total, expected + expected_2 + 80.0)
        self.assertEqual(penalty.partner_id, self.customer)
        self.assertIn(inv.name, penalty.invoice_origin)

    def test_missing_rate_does_not_stop_the_run(self):
        self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        with freeze_time("2026-08-03"):
            run = self.env["account.dunning.run"].create({"date": date(2026, 8, 3)})
            run.action_compute()
        self.assertEqual(len(run.communication_ids), 1, "the reminder goes out all the same")
        self.assertEqual(run.communication_ids.amount_interest, 9.99, "June 2026 only")
        self.assertEqual(run.communication_ids.amount_indemnity, 40.0)
        self.assertIn("2026 H2 is missing", run.log)
