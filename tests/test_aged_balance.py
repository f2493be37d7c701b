"""Aged balance (balance âgée): open receivables by customer and ageing bucket as of any date,
from the journal items and the reconciliations dated on or before it."""

import base64
import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .aged_common import AgedDataset, days
from .common import DunningCase
from .document_common import DocumentsCase


def table_amounts(table):
    """{customer: {bucket key: amount}} of the non-zero cells of an aged balance table."""
    return {
        row["partner"]: {key: amount for key, amount in row["amounts"].items() if amount}
        for row in table["rows"]
    }


@tagged("post_install", "-at_install")
class TestAgedBalance(AgedDataset, DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_dataset()
        cls._pay_dataset()

    def assertAmounts(self, actual, expected):
        self.assertEqual(set(actual), set(expected))
        for partner, buckets in expected.items():
            self.assertEqual(set(actual[partner]), set(buckets), partner.name)
            for key, amount in buckets.items():
                self.assertAlmostEqual(actual[partner][key], amount, 2, f"{partner.name} {key}")

    @freeze_time("2026-04-15")
    def test_figures_as_of_the_date_not_today(self):
        balance = self._aged()
        balance._fill_lines()
        table = balance._get_table()
        self.assertEqual(
            [label for _key, label in table["columns"]],
            ["Not due", "1-30 days", "31-60 days", "61-90 days", "91-120 days", "Over 120 days"],
        )
        self.assertAmounts(table_amounts(table), self.expected)
        self.assertEqual(self.foreign_amount, 200.0, "400 CHF at 2 CHF for 1: in company currency")
        self.assertEqual(self.inv["C"].amount_residual, 2000.0, "paid 1000 after the date...")
        self.assertNotIn(self.inv["L"], balance.line_ids.move_id, "dated after the date")
        total = sum(sum(buckets.values()) for buckets in self.expected.values())
        self.assertAlmostEqual(table["total"], total, 2)
        self.assertAlmostEqual(sum(balance.line_ids.mapped("amount")), total, 2)
        # the day after the payment of C, C shows what is left
        later = self._aged(date=days(5))
        later._fill_lines()
        c_line = later.line_ids.filtered(lambda line: line.move_id == self.inv["C"])
        self.assertAlmostEqual(c_line.amount, 2000.0, 2)
        self.assertEqual(c_line.bucket, "2", "50 days late")
        # the pivot groups the same lines by customer and bucket
        action = balance.action_view()
        groups = self.env[action["res_model"]]._read_group(
            action["domain"], ["partner_id", "bucket"], ["amount:sum"]
        )
        self.assertAmounts(
            {
                partner: {
                    key: amount for group_partner, key, amount in groups if group_partner == partner
                }
                for partner, _key, _amount in groups
            },
            self.expected,
        )

    def test_the_bucket_setting_changes_the_columns(self):
        self.company.dunning_aged_bucket_limits = "15, 45"
        balance = self._aged()
        balance._fill_lines()
        table = balance._get_table()
        self.assertEqual(
            [label for _key, label in table["columns"]],
            ["Not due", "1-15 days", "16-45 days", "Over 45 days"],
        )
        self.assertAmounts(
            table_amounts(table),
            {
                self.customer: {
                    "0": 1000.0,
                    "1": 1500.0,  # B, 15 days late
                    "2": -300.0 + 3000.0,  # the credit note (20 days) and C (45 days)
                    "3": self.foreign_amount,
                },
                self.customer_2: {"3": 1100.0},
            },
        )
        self.assertEqual(
            [
                label
                for _key, label in self.env["account.dunning.aged.balance.line"]
                ._fields["bucket"]
                ._description_selection(self.env)
            ],
            ["Not due", "1-15 days", "16-45 days", "Over 45 days"],
            "the pivot's columns follow the setting",
        )
        for wrong in ("60,30", "30,abc", "0,30", ""):
            with self.assertRaises(ValidationError, msg=wrong):
                self.company.dunning_aged_bucket_limits = wrong

    def test_filters_by_collector_level_policy_and_dispute(self):
        def amounts(**filters):
            balance = self._aged(**filters)
            balance._fill_lines()
            return table_amounts(balance._get_table())

        self.assertAmounts(
            amounts(collector_ids=[self.collector.id]),
            {self.customer: self.expected[self.customer]},
        )
        self.assertAmounts(amounts(level_ids=[self.level_1.id]), {self.customer: {"1": 1500.0}})
        self.assertAmounts(amounts(disputed="only"), {self.customer_2: {"4": 500.0}})
        self.assertAmounts(
            amounts(disputed="exclude"),
            {self.customer: self.expected[self.customer], self.customer_2: {"5": 600.0}},
        )
        self.assertAmounts(amounts(policy_ids=[self.policy.id]), self.expected)
        other_policy = self.policy.copy({"is_default": False})
        self.assertEqual(amounts(policy_ids=[other_policy.id]), {})
        self.customer_2.dunning_policy_id = other_policy
        self.assertAmounts(
            amounts(policy_ids=[other_policy.id]), {self.customer_2: self.expected[self.customer_2]}
        )

    def test_xlsx_gives_the_same_figures(self):
        self.company.dunning_aged_bucket_limits = "30,60,90,120"
        balance = self._aged()
        action = balance.action_export_xlsx()
        self.assertIn(
            f"/web/content/account.dunning.aged.balance/{balance.id}/xlsx_file/", action["url"]
        )
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(balance.xlsx_file))).active
        rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
        header_index = next(i for i, row in enumerate(rows) if row[0] == "Customer")
        header = rows[header_index]
        self.assertEqual(
            list(header),
            [
                "Customer",
                "Not due",
                "1-30 days",
                "31-60 days",
                "61-90 days",
                "91-120 days",
                "Over 120 days",
                "Total",
            ],
        )
        read = {}
        for row in rows[header_index + 1 : -1]:
            partner = self.customer if row[0] == self.customer.display_name else self.customer_2
            read[partner] = {str(i): value for i, value in enumerate(row[1:-1]) if value}
            self.assertAlmostEqual(row[-1], sum(row[1:-1]), 2)
        self.assertAmounts(read, self.expected)
        total = sum(sum(buckets.values()) for buckets in self.expected.values())
        self.assertEqual(rows[-1][0], "Total")
        self.assertAlmostEqual(rows[-1][-1], total, 2)

    def test_set_based_whatever_the_number_of_invoices(self):
        """Filling and reading the aged balance takes the same number of queries for 7 items
        or 47: one INSERT ... SELECT, one grouped read."""

        def queries():
            balance = self._aged()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            balance._fill_lines()
            balance._get_table()
            return self.env.cr.sql_log_count - before, len(balance.line_ids)

        queries()  # caches warmed
        few, few_lines = queries()
        others = self.env["res.partner"].create(
            [{"name": f"Client {n}", "is_company": True} for n in range(10)]
        )
        self._invoices([(partner, days(-n), 100.0 + n) for n in range(4) for partner in others])
        many, many_lines = queries()
        self.assertEqual(many_lines, few_lines + 40)
        self.assertEqual(many, few)

    @freeze_time(days(6))
    def test_customer_list_overdue_amount_and_oldest_days_sortable(self):
        # as of today (AS_OF + 6): A (due AS_OF + 10) is not due yet; C is 2000 after its payment
        Partner = self.env["res.partner"]
        customers = self.customer | self.customer_2
        overdue_1 = 1500.0 + 2000.0 + self.foreign_amount - 300.0
        self.assertAlmostEqual(self.customer.dunning_overdue_amount, overdue_1, 2)
        self.assertEqual(self.customer.dunning_overdue_days, 75 + 6, "D, due AS_OF - 75")
        self.assertAlmostEqual(self.customer_2.dunning_overdue_amount, 1100.0, 2)
        self.assertEqual(self.customer_2.dunning_overdue_days, 200 + 6)
        self.assertAlmostEqual(self.contact.dunning_overdue_amount, overdue_1, 2, "its company's")
        late = Partner.search([("id", "in", customers.ids), ("dunning_overdue_amount", ">", 0)])
        self.assertEqual(late, customers)
        self.assertEqual(
            Partner.search([("id", "in", customers.ids), ("dunning_overdue_amount", ">", 2000)]),
            self.customer,
        )
        by_days = Partner.search([("id", "in", customers.ids)], order="dunning_overdue_days desc")
        self.assertEqual(by_days.ids, [self.customer_2.id, self.customer.id])
        by_amount = Partner.search(
            [("id", "in", customers.ids)], order="dunning_overdue_amount desc"
        )
        self.assertEqual(by_amount.ids, [self.customer.id, self.customer_2.id])
        fields = Partner.fields_get(["dunning_overdue_amount", "dunning_overdue_days"])
        self.assertTrue(all(field["sortable"] for field in fields.values()), "list columns sort")
        list_view = self.env.ref("account_dunning_fr.res_partner_view_list_dunning_customers")
        self.assertIn("dunning_overdue_days desc", list_view.arch)


@tagged("post_install", "-at_install")
class TestAgedBalancePdf(AgedDataset, DocumentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_dataset()
        cls._pay_dataset()

    def test_pdf_in_french(self):
        """Printed in the language of the user who prints it."""
        self.env.user.lang = "fr_FR"
        self.env = self.env(context=dict(self.env.context, lang="fr_FR"))
        balance = self._aged()
        balance._fill_lines()
        pdf = self.render("account_dunning_fr.action_report_dunning_aged_balance", balance.ids)
        self.assertLayoutOk(pdf)
        for phrase in (
            "Balance âgée",
            "Client",
            "Non échu",
            "1 à 30 jours",
            "91 à 120 jours",
            "Plus de 120 jours",
            "31/03/2026",
            self.customer.name,
            self.customer_2.name,
            "1 200,00 €",
            "3 000,00 €",
        ):
            self.assertPdfContains(pdf, phrase)
        total = sum(sum(buckets.values()) for buckets in self.expected.values())
        self.assertPdfContains(pdf, f"{total:,.2f} €".replace(",", " ").replace(".", ","))
