"""One definition of the invoices and receivable items dunning is about: the open customer
invoices, the dunnable ones and the open receivable items, each as a domain and as SQL that
select the same records."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TODAY, DunningCase

D = timedelta


@tagged("post_install", "-at_install")
class TestOpenItems(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Filiale Lyon")["company"]
        cls._make_policy(cls.company_2)
        due = TODAY - D(15)
        specs = {
            "open": 100.0,
            "partial": 200.0,
            "paid": 300.0,
            "reversed": 400.0,
            "blocked": 500.0,
            "disputed": 600.0,
            "late": 700.0,
        }
        moves = cls._invoices([(cls.customer, due, amount) for amount in specs.values()])
        cls.inv = dict(zip(specs, moves, strict=True))
        cls.inv["excluded"] = cls._invoices([(cls.customer_2, due, 800.0)])
        cls.inv["other_company"] = cls._invoices(
            [(cls.customer.with_company(cls.company_2), due, 900.0)], company=cls.company_2
        )
        cls.inv["credit_note"] = cls._invoices([(cls.customer, due, 50.0)], move_type="out_refund")
        draft, cancelled, vendor_bill = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": cls.customer.id,
                    "invoice_date": due - D(30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Services", "price_unit": 70.0, "tax_ids": []})
                    ],
                }
                for move_type in ("out_invoice", "out_invoice", "in_invoice")
            ]
        )
        cancelled.button_cancel()
        vendor_bill.action_post()
        cls.inv.update(draft=draft, cancelled=cancelled, vendor_bill=vendor_bill)
        cls._register_payment(cls.inv["partial"], 50.0)
        cls._register_payment(cls.inv["paid"], 300.0)
        with freeze_time(TODAY):
            cls.inv["reversed"]._reverse_moves(cancel=True)
            cls.inv["penalty"] = cls.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                cls.inv["late"], TODAY
            )
            cls.inv["penalty"].action_post()
        cls.inv["blocked"].action_toggle_block_payment()
        cls.inv["disputed"].dunning_disputed = True
        cls.customer_2.dunning_excluded = True
        # A payment received from the customer and not allocated to an invoice yet.
        cls.unallocated = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.customer.id,
                "amount": 30.0,
                "date": TODAY - D(1),
            }
        )
        cls.unallocated.action_post()

    @classmethod
    def _register_payment(cls, invoice, amount):
        with freeze_time(TODAY - D(2)):
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": TODAY - D(2)})._create_payments()

    def _names(self, moves):
        return {name for name, move in self.inv.items() if move in moves}

    def _selected_by_domain(self, domain):
        moves = self.env["account.move"].search(
            [*domain, ("id", "in", [move.id for move in self.inv.values()])]
        )
        return self._names(moves)

    def _selected_by_sql(self, condition):
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT m.id FROM account_move m
                     JOIN res_partner p ON p.id = m.commercial_partner_id
                    WHERE m.id = ANY(%s) AND %s""",
                [move.id for move in self.inv.values()],
                condition,
            )
        )
        return self._names(self.env["account.move"].browse(row[0] for row in rows))

    def test_payment_states_of_the_set_up(self):
        states = {name: move.payment_state for name, move in self.inv.items()}
        self.assertEqual(states["partial"], "partial")
        self.assertIn(states["paid"], ("paid", "in_payment"))
        self.assertEqual(states["reversed"], "reversed")
        self.assertEqual(states["blocked"], "blocked")
        self.assertTrue(self.inv["penalty"].dunning_is_penalty_invoice)
        self.assertEqual(self.inv["cancelled"].state, "cancel")

    def test_open_invoices_domain_and_sql_agree(self):
        Move = self.env["account.move"]
        expected = {
            "open",
            "partial",
            "disputed",
            "late",
            "excluded",
            "other_company",
            "penalty",
        }
        self.assertEqual(self._selected_by_domain(Move._dunning_open_invoice_domain()), expected)
        self.assertEqual(self._selected_by_sql(Move._dunning_open_invoice_sql("m")), expected)

    def test_customer_invoices_with_and_without_penalty_invoices(self):
        Move = self.env["account.move"]
        posted = {
            "open",
            "partial",
            "paid",
            "reversed",
            "blocked",
            "disputed",
            "late",
            "excluded",
            "other_company",
            "penalty",
        }
        self.assertEqual(self._selected_by_domain(Move._dunning_invoice_domain()), posted)
        self.assertEqual(self._selected_by_sql(Move._dunning_invoice_sql("m")), posted)
        without = posted - {"penalty"}
        self.assertEqual(
            self._selected_by_domain(Move._dunning_invoice_domain(penalties=False)), without
        )
        self.assertEqual(
            self._selected_by_sql(Move._dunning_invoice_sql("m", penalties=False)), without
        )

    def test_dunnable_invoices(self):
        Move = self.env["account.move"]
        dunnable = {"open", "partial", "late", "other_company", "penalty"}
        self.assertEqual(self._selected_by_sql(Move._dunning_dunnable_sql(TODAY)), dunnable)
        # A promise to pay running on the date pauses the customer's invoices in its company;
        # an active payment plan pauses its own invoices.
        self.env["account.dunning.promise"].create(
            {"partner_id": self.customer.id, "date": TODAY + D(5), "amount": 10.0}
        )
        with freeze_time(TODAY):
            self.env["account.dunning.payment.plan"].with_company(self.company_2).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_2.id,
                    "invoice_ids": [Command.set(self.inv["other_company"].ids)],
                    "installment_ids": [Command.create({"date": TODAY + D(30), "amount": 900.0})],
                }
            ).action_activate()
        self.assertEqual(self._selected_by_sql(Move._dunning_dunnable_sql(TODAY)), set())
        self.assertEqual(
            self._selected_by_sql(Move._dunning_dunnable_sql(TODAY + D(9))),
            {"open", "partial", "late", "penalty"},
            "the promise runs until its date plus the grace days",
        )
        self.customer.dunning_litigation_state = "lawyer"
        self.assertEqual(
            self._selected_by_sql(Move._dunning_dunnable_sql(TODAY + D(9))),
            set(),
            "a debt handed over is not dunned",
        )

    def test_the_run_reminds_the_dunnable_invoices_of_its_company(self):
        comms = self._run(TODAY)
        self.assertEqual(self._names(comms.line_ids.move_id), {"open", "partial", "late"})
        self.assertEqual(self.inv["open"].dunning_next_date, TODAY + D(5), "Reminder 1, its gap")
        for name in ("paid", "reversed", "blocked", "disputed", "excluded", "draft"):
            self.assertFalse(self.inv[name].dunning_next_date, name)
        comms_2 = self._run(TODAY, company=self.company_2)
        self.assertEqual(self._names(comms_2.line_ids.move_id), {"other_company"})

    def test_open_receivable_items_domain_and_sql_agree(self):
        Line = self.env["account.move.line"]
        moves = self.env["account.move"].browse(move.id for move in self.inv.values())
        lines = moves.line_ids | self.unallocated.move_id.line_ids
        receivables = lines.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        posted = receivables.filtered(lambda line: line.parent_state == "posted")
        open_lines = posted.filtered(lambda line: not line.reconciled)
        self.assertIn(self.unallocated.move_id, open_lines.move_id, "unallocated payment")
        self.assertIn(self.inv["credit_note"], open_lines.move_id, "credit note to allocate")
        self.assertNotIn(self.inv["paid"], open_lines.move_id)
        self.assertNotIn(self.inv["draft"], posted.move_id)
        self.assertNotIn(self.inv["vendor_bill"], receivables.move_id)
        self.env.flush_all()
        for domain, sql, expected in (
            (Line._dunning_receivable_domain(), Line._dunning_receivable_sql("aml"), posted),
            (
                Line._dunning_open_receivable_domain(),
                Line._dunning_open_receivable_sql("aml"),
                open_lines,
            ),
        ):
            self.assertEqual(Line.search([*domain, ("id", "in", lines.ids)]), expected)
            rows = self.env.execute_query(
                SQL(
                    "SELECT aml.id FROM account_move_line aml WHERE aml.id = ANY(%s) AND %s",
                    lines.ids,
                    sql,
                )
            )
            self.assertEqual(Line.browse(row[0] for row in rows), expected)

    def test_the_customer_figures_read_the_open_receivable_items(self):
        # open 100 + partial 150 + blocked 500 + disputed 600 + late 700 + the penalty invoice,
        # less the credit note (50) and the unallocated payment (30); not what is paid or
        # reversed, nor the other company's invoice, nor the other customer's
        penalty = self.inv["penalty"].amount_total
        receivables = self.customer._dunning_get_receivables(self.company | self.company_2)
        self.assertAlmostEqual(
            receivables[self.customer.id, self.company.id],
            100 + 150 + 500 + 600 + 700 + penalty - 80,
        )
        self.assertAlmostEqual(receivables[self.customer.id, self.company_2.id], 900)
        with freeze_time(TODAY):
            self.customer.invalidate_recordset(["dunning_overdue_amount"])
            # the penalty invoice is due today: not overdue yet
            self.assertAlmostEqual(
                self.customer.dunning_overdue_amount, 100 + 150 + 500 + 600 + 700 - 80
            )
