"""Limitation periods as the case law reads them: from the delivery (or completion) date, else
the invoice date; restarted by an acknowledgment (a payment, a signed payment plan) only while
the period still runs; interrupted by a court claim for the invoices open at its filing."""

from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TODAY, DunningCase

FIVE_YEARS = relativedelta(years=5)  # professionals, C. com. L110-4
TWO_YEARS = relativedelta(years=2)  # consumers, C. conso. L218-2


@tagged("post_install", "-at_install")
class TestLimitationRules(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.individual = cls.env["res.partner"].create(
            {"name": "Camille Bernard", "is_company": False, "email": "camille@example.test"}
        )

    def _limitation(self, moves):
        self.env.flush_all()
        moves.invalidate_recordset(["dunning_limitation_date", "dunning_limitation_warning"])
        return moves.mapped("dunning_limitation_date")

    def _plan(self, invoices, **vals):
        return self.env["account.dunning.payment.plan"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 2,
                "first_date": TODAY,
                **vals,
            }
        )

    # -- the start of the period ---------------------------------------------------------

    def test_delivery_date_is_the_start(self):
        delivered_before, completed_after, plain = self._invoices(
            [(self.customer, date(2025, 6, 30), 1000.0)] * 3
        )
        self.assertEqual(plain.invoice_date, date(2025, 5, 31))
        # recorded on the posted invoice, as in the invoice's Dunning tab
        delivered_before.delivery_date = date(2025, 3, 10)
        completed_after.delivery_date = date(2025, 6, 20)  # the service completed later
        self.assertEqual(
            self._limitation(delivered_before | completed_after | plain),
            [
                delivered_before.delivery_date + FIVE_YEARS,
                completed_after.delivery_date + FIVE_YEARS,
                plain.invoice_date + FIVE_YEARS,  # no delivery date: the invoice date
            ],
        )
        self.assertEqual(delivered_before.dunning_limitation_date, date(2030, 3, 10))
        delivered_before.delivery_date = False
        self.assertEqual(self._limitation(delivered_before), [date(2030, 5, 31)])

    def test_delivery_date_entered_on_the_posted_invoice_form(self):
        inv = self._invoices([(self.customer, date(2025, 6, 30), 1000.0)])
        with Form(inv) as form:
            form.delivery_date = date(2025, 4, 30)
        self.assertEqual(inv.delivery_date, date(2025, 4, 30))
        self.assertEqual(self._limitation(inv), [date(2030, 4, 30)])

    def test_consumer_two_years_from_delivery(self):
        inv = self._invoices([(self.individual, date(2025, 6, 30), 800.0)])
        inv.delivery_date = date(2025, 4, 2)
        self.assertEqual(self._limitation(inv), [inv.delivery_date + TWO_YEARS])
        self._pay(inv, 100.0, date(2026, 1, 5))
        self.assertEqual(self._limitation(inv), [date(2026, 1, 5) + TWO_YEARS])
        with freeze_time(TODAY):  # 2 March 2026: time-barred on 5 January 2028, not near
            self.assertFalse(inv.dunning_limitation_warning)

    # -- payments: only a running period restarts ----------------------------------------

    def test_payment_restarts_only_a_running_period(self):
        before, last_day, after = self._invoices([(self.customer, date(2019, 2, 14), 1000.0)] * 3)
        expiry = before.invoice_date + FIVE_YEARS  # 15 January 2024
        self.assertEqual(expiry, date(2024, 1, 15))
        self._pay(before, 100.0, expiry - relativedelta(months=1))
        self._pay(last_day, 100.0, expiry)  # still running on its last day
        self._pay(after, 100.0, expiry + relativedelta(days=1))
        self.assertEqual(
            self._limitation(before | last_day | after),
            [
                expiry - relativedelta(months=1) + FIVE_YEARS,
                expiry + FIVE_YEARS,
                expiry,  # paid once time-barred: the debt is not revived
            ],
        )
        with freeze_time(TODAY):
            self.assertTrue(after.dunning_limitation_warning, "still listed as time-barred")
            self.assertFalse(before.dunning_limitation_warning)
        # a later payment does not revive it either, nor does one made before it is restarted
        self._pay(after, 100.0, date(2025, 6, 1))
        self.assertEqual(self._limitation(after), [expiry])

    # -- a signed payment plan acknowledges the debt ----------------------------------------

    def test_signed_payment_plan_restarts_the_period(self):
        running, expired = self._invoices(
            [(self.customer, date(2022, 3, 31), 600.0), (self.customer, date(2020, 7, 1), 400.0)]
        )
        plan = self._plan(running | expired)
        self.assertEqual(
            self._limitation(running | expired),
            [running.invoice_date + FIVE_YEARS, expired.invoice_date + FIVE_YEARS],
            "a plan not signed acknowledges nothing",
        )
        signed = date(2026, 2, 16)
        with freeze_time(TODAY):
            plan.signed_date = signed
        self.assertEqual(
            self._limitation(running | expired),
            [signed + FIVE_YEARS, expired.invoice_date + FIVE_YEARS],  # expired on 1 June 2025
        )
        with freeze_time(TODAY):
            plan.action_cancel()
        self.assertEqual(self._limitation(running), [signed + FIVE_YEARS], "signed all the same")
        plan.unlink()  # deleted: recorded by mistake
        self.assertEqual(self._limitation(running), [running.invoice_date + FIVE_YEARS])
        with freeze_time(TODAY), self.assertRaises(ValidationError):
            self._plan(running, signed_date=TODAY + relativedelta(days=1))

    def test_plan_signed_at_creation(self):
        inv = self._invoices([(self.customer, date(2024, 1, 31), 500.0)])
        with freeze_time(TODAY):
            self._plan(inv, signed_date=date(2026, 2, 1))
        self.assertEqual(self._limitation(inv), [date(2026, 2, 1) + FIVE_YEARS])

    # -- a court claim interrupts the period -------------------------------------------------

    def test_court_claim_interrupts_the_invoices_open_at_the_filing(self):
        near, later, barred = self._invoices(
            [
                (self.customer, date(2021, 7, 1), 1000.0),  # time-barred on 1 June 2026
                (self.customer, date(2026, 3, 10), 300.0),  # invoiced after the filing
                (self.customer, date(2020, 12, 31), 200.0),  # time-barred on 1 December 2025
            ]
        )
        other = self._invoices([(self.customer_2, date(2021, 7, 1), 1000.0)])
        with freeze_time(TODAY):
            self.assertTrue(near.dunning_limitation_warning)
        filing = date(2026, 1, 29)
        self.customer.dunning_court_claim_date = filing
        self.assertEqual(
            self._limitation(near | later | barred | other),
            [
                False,  # interrupted while the proceedings last
                later.invoice_date + FIVE_YEARS,  # not part of the claim
                barred.invoice_date + FIVE_YEARS,  # already time-barred at the filing
                other.invoice_date + FIVE_YEARS,  # another customer
            ],
        )
        with freeze_time(TODAY):
            self.assertFalse(near.dunning_limitation_warning)
            self.assertTrue(barred.dunning_limitation_warning)
            near_ones = self.env["account.move"].search(
                [
                    ("id", "in", (near | barred | other).ids),
                    ("dunning_limitation_warning", "=", True),
                ]
            )
            self.assertEqual(near_ones, barred | other)
        self.customer.dunning_court_claim_date = False  # recorded by mistake
        self.assertEqual(self._limitation(near), [near.invoice_date + FIVE_YEARS])

    def test_court_claim_is_recorded_per_company(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        inv_1 = self._invoices([(self.customer, date(2024, 5, 31), 700.0)])
        inv_2 = self._invoices([(self.customer, date(2024, 5, 31), 700.0)], company=company_2)
        self.customer.with_company(company_2).dunning_court_claim_date = date(2026, 2, 2)
        self.assertFalse(self.customer.dunning_court_claim_date)
        both = (inv_1 | inv_2).with_context(allowed_company_ids=[self.company.id, company_2.id])
        self.assertEqual(self._limitation(both), [inv_1.invoice_date + FIVE_YEARS, False])

    # -- set-based ----------------------------------------------------------------------------

    def test_queries_do_not_grow_with_the_invoices(self):
        self.customer.dunning_court_claim_date = date(2026, 1, 5)

        def queries(count):
            moves = self._invoices([(self.customer_2, date(2025, 6, 30), 100.0)] * count)
            moves |= self._invoices([(self.customer, date(2025, 6, 30), 100.0)] * count)
            self._pay(moves[0], 10.0, date(2025, 8, 1))
            with freeze_time(TODAY):
                self._plan(moves[:2], signed_date=date(2026, 2, 1))
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.add_to_compute(moves._fields["dunning_limitation_date"], moves)
            before = self.env.cr.sql_log_count
            moves.mapped("dunning_limitation_date")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(2), queries(12))
