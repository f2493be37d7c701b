"""Dashboard of the credit manager: receivables, overdue ratio, DSO, promises, amounts by level
and collector, what each level brings in, open disputes and the month-by-month evolution, each
figure opening exactly the records behind it."""

from datetime import date

from odoo import Command
from odoo.addons.account_dunning_fr.wizards.account_dunning_dashboard import (
    dso_countback,
    dso_simple,
)
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .aged_common import AS_OF, AgedDataset, days
from .common import DunningCase
from .document_common import DocumentsCase


@tagged("post_install", "-at_install")
class TestDashboard(AgedDataset, DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_dataset()
        cls._pay_dataset()
        inv = cls.inv
        # what each level brings in (window 30 days): the payment is credited to the latest
        # communication sent before it
        cls._sent(cls, cls.level_1, inv["B"], days(-10))  # B: 500 paid at days(-5)
        cls._sent(cls, cls.level_2, inv["C"], days(-60))  # C: paid after AS_OF, not counted
        cls._sent(cls, cls.level_2, inv["F"], days(-50))
        cls._pay(cls, inv["F"], 100.0, days(-40))  # 10 days after: level 2
        cls._sent(cls, cls.level_1, inv["E"], days(-70))
        cls._sent(cls, cls.level_2, inv["E"], days(-65))
        cls._pay(cls, inv["E"], 50.0, days(-60))  # level 2 was the latest
        Promise = cls.env["account.dunning.promise"]
        cls.promises = {}
        for key, when, state in (
            ("kept", days(-30), "kept"),
            ("broken", days(-20), "broken"),
            ("old", days(-200), "kept"),  # before the period
            ("open", days(5), "open"),
        ):
            promise = Promise.create({"partner_id": cls.customer.id, "date": when, "amount": 100})
            promise.state = state
            cls.promises[key] = promise
        # receivables as of AS_OF: the aged balance's, less the payments on F and E
        cls.total = sum(sum(b.values()) for b in cls.expected.values()) - 100.0 - 50.0

    def _sent(self, level, invoice, when):
        # made by the system only (sudo), as the run makes them
        comm = (
            self.env["account.dunning.communication"]
            .sudo()
            .create(
                {
                    "name": f"REL-{level.id}-{invoice.id}-{when}",
                    "company_id": invoice.company_id.id,
                    "date": when,
                    "partner_id": invoice.commercial_partner_id.id,
                    "level_id": level.id,
                    "channel": "email",
                    "currency_id": invoice.currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": invoice.id,
                                "move_name": invoice.name,
                                "currency_id": invoice.currency_id.id,
                                "amount_due": invoice.amount_residual,
                            }
                        )
                    ],
                }
            )
        )
        comm.write({"state": "to_send"})  # validated, then sent
        comm.write({"state": "sent", "sent_date": when})
        return comm.sudo(False)

    def _dashboard(self, **vals):
        return self.env["account.dunning.dashboard"].create({"date": AS_OF, **vals})

    def _records(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    def _lines(self, dashboard, kind):
        return dashboard.line_ids.filtered(lambda line: line.kind == kind)

    def test_receivables_overdue_ratio_and_dso(self):
        dashboard = self._dashboard(period_days=90, dso_method="simple")
        self.assertAlmostEqual(dashboard.total_receivable, self.total, 2)
        # overdue: everything but A, the only item not due on AS_OF
        self.assertAlmostEqual(dashboard.overdue_amount, self.total - 1000.0, 2)
        self.assertAlmostEqual(dashboard.overdue_ratio, (self.total - 1000.0) / self.total * 100, 1)
        # sales of the 90 days up to AS_OF (from 1 January): A, B, C less the credit note
        self.assertAlmostEqual(dashboard.period_sales, 1000.0 + 2000.0 + 3000.0 - 300.0, 2)
        # simple DSO = receivables / sales of the period x days of the period
        self.assertAlmostEqual(dashboard.dso, self.total / 5700.0 * 90, 1)
        # count-back over the same 90 days: March (31 days, A 1000), February (28 days, B less
        # the credit note 1700) and January (31 days, C 3000) are absorbed; the 650 left count
        # at the period's average daily sales
        self.assertGreater(self.total, 5700.0)
        dashboard.dso_method = "countback"
        dashboard.action_refresh()
        self.assertAlmostEqual(
            dashboard.dso, 31 + 28 + 31 + (self.total - 5700.0) / (5700.0 / 90), 1
        )
        # each figure opens the records behind it
        open_items = self.inv["A"] | self.inv["B"] | self.inv["C"] | self.inv["D"]
        open_items |= self.inv["R"] | self.inv["E"] | self.inv["F"]
        receivables = self._records(dashboard.action_open_receivable())
        self.assertEqual(receivables.move_id, open_items)
        self.assertAlmostEqual(sum(receivables.mapped("amount")), self.total, 2)
        overdue = self._records(dashboard.action_open_overdue())
        self.assertEqual(overdue.move_id, open_items - self.inv["A"])
        sales = self._records(dashboard.action_open_sales())
        self.assertEqual(sales, self.inv["A"] | self.inv["B"] | self.inv["C"] | self.inv["R"])

    def test_countback_and_simple_formulas(self):
        slices = [(31, 1000.0), (28, 1700.0), (31, 3000.0)]
        self.assertAlmostEqual(dso_countback(2000.0, slices, 90), 31 + 1000.0 / 1700.0 * 28)
        self.assertAlmostEqual(dso_countback(500.0, slices, 90), 500.0 / 1000.0 * 31)
        self.assertAlmostEqual(dso_simple(2000.0, 5700.0, 90), 2000.0 / 5700.0 * 90)
        self.assertEqual(dso_simple(2000.0, 0.0, 90), 0.0, "no sales: no DSO")
        self.assertEqual(dso_countback(2000.0, [(31, 0.0), (28, 0.0)], 59), 0.0)

    def test_promises_disputes_and_levels(self):
        self.inv["A"].dunning_disputed = True  # disputed without a reason
        dashboard = self._dashboard()
        self.assertEqual(
            (
                dashboard.promise_kept_count,
                dashboard.promise_broken_count,
                dashboard.promise_open_count,
            ),
            (1, 1, 1),
            "the kept promise of 200 days ago is before the period",
        )
        self.assertEqual(
            self._records(dashboard.action_open_promises_kept()), self.promises["kept"]
        )
        self.assertEqual(
            self._records(dashboard.action_open_promises_broken()), self.promises["broken"]
        )
        self.assertEqual(
            self._records(dashboard.action_open_promises_open()), self.promises["open"]
        )
        # open disputes by reason
        self.assertEqual(dashboard.dispute_count, 2)
        self.assertAlmostEqual(dashboard.dispute_amount, 1000.0 + 450.0, 2)
        self.assertEqual(
            self._records(dashboard.action_open_disputes()), self.inv["A"] | self.inv["E"]
        )
        disputes = {line.name: line for line in self._lines(dashboard, "dispute")}
        self.assertEqual(set(disputes), {"Price disagreement", "No reason given"})
        by_reason = disputes["Price disagreement"]
        self.assertEqual((by_reason.count, by_reason.amount), (1, 450.0))
        self.assertEqual(self._records(by_reason.action_open()), self.inv["E"])
        # amounts by level and by collector (open items as of AS_OF)
        levels = {line.level_id: line for line in self._lines(dashboard, "level")}
        self.assertAlmostEqual(levels[self.level_1].amount, 1500.0, 2)
        self.assertAlmostEqual(sum(line.amount for line in levels.values()), self.total, 2)
        self.assertEqual(self._records(levels[self.level_1].action_open()).move_id, self.inv["B"])
        collectors = {line.user_id: line for line in self._lines(dashboard, "collector")}
        self.assertEqual(set(collectors), {self.collector, self.env["res.users"]})
        self.assertAlmostEqual(collectors[self.collector].amount, 5400.0, 2)
        self.assertAlmostEqual(collectors[self.env["res.users"]].amount, 450.0 + 500.0, 2)
        self.assertEqual(collectors[self.env["res.users"]].name, "No collector")
        self.assertEqual(
            self._records(collectors[self.collector].action_open()).partner_id, self.customer
        )

    def test_collected_after_each_level(self):
        dashboard = self._dashboard(period_days=90, collection_days=30)
        collected = {line.level_id: line for line in self._lines(dashboard, "collected")}
        self.assertEqual(set(collected), {self.level_1, self.level_2})
        self.assertAlmostEqual(collected[self.level_1].amount, 500.0, 2)
        self.assertEqual(self._records(collected[self.level_1].action_open()), self.inv["B"])
        self.assertAlmostEqual(collected[self.level_2].amount, 100.0 + 50.0, 2)
        self.assertEqual(
            self._records(collected[self.level_2].action_open()), self.inv["E"] | self.inv["F"]
        )
        self.assertAlmostEqual(dashboard.collected_amount, 650.0, 2)
        self.assertEqual(
            self._records(dashboard.action_open_collected()),
            self.inv["B"] | self.inv["E"] | self.inv["F"],
        )
        # a window of 7 days: the 10 days of F and the 5 days of E after level 2 are too late
        # for F only
        short = self._dashboard(collection_days=7)
        collected = {line.level_id: line.amount for line in self._lines(short, "collected")}
        self.assertEqual(collected, {self.level_1: 500.0, self.level_2: 50.0})

    def test_month_by_month(self):
        dashboard = self._dashboard()
        months = self._lines(dashboard, "month").sorted("month")
        self.assertEqual(len(months), 12)
        self.assertEqual(months[-1].month, AS_OF)
        self.assertEqual(months[-2].month, date(2026, 2, 28))
        self.assertEqual(months[0].month, date(2025, 4, 30))
        self.assertAlmostEqual(months[-1].amount, self.total, 2)
        # end of February: B (2000, paid in March), C, D, the credit note, E (450) and F (500)
        february = 2000.0 + 3000.0 + self.foreign_amount - 300.0 + 450.0 + 500.0
        self.assertAlmostEqual(months[-2].amount, february, 2)
        # overdue on 28 February: C, D, E and F (B and the credit note fall due in March)
        overdue = 3000.0 + self.foreign_amount + 450.0 + 500.0
        self.assertAlmostEqual(months[-2].overdue_amount, overdue, 2)
        self.assertAlmostEqual(months[-2].ratio, overdue / february * 100, 1)
        self.assertEqual(months[-2].name, "February 2026")
        action = months[-2].action_open()
        items = self._records(action)
        self.assertAlmostEqual(sum(items.mapped("amount")), february, 2)
        self.assertEqual(items.aged_balance_id.date, date(2026, 2, 28))
        graph = dashboard.action_open_month_graph()
        self.assertEqual(self._records(graph), months)

    def test_set_based_whatever_the_number_of_invoices(self):
        """The dashboard takes the same number of queries for a few invoices or 40 more."""

        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._dashboard()
            return self.env.cr.sql_log_count - before

        queries()  # caches warmed
        few = queries()
        self._invoices([(self.customer_2, days(-n), 100.0 + n) for n in range(40)])
        self.assertEqual(queries(), few)

    def test_bad_period_refused_with_a_message(self):
        for vals in ({"period_days": 0}, {"collection_days": -1}, {"period_days": 100000}):
            with self.assertRaises(ValidationError, msg=str(vals)):
                self._dashboard(**vals)

    def test_menu_opens_a_dashboard_of_today(self):
        action = self.env.ref("account_dunning_fr.action_account_dunning_dashboard").run()
        dashboard = self.env["account.dunning.dashboard"].browse(action["res_id"])
        self.assertEqual(dashboard.date, date.today())
        self.assertEqual(dashboard.company_id, self.company)
        menu = self.env.ref("account_dunning_fr.menu_account_dunning_dashboard")
        self.assertEqual(menu.parent_id, self.env.ref("account_dunning_fr.menu_account_dunning"))


@tagged("post_install", "-at_install")
class TestDashboardScreens(AgedDataset, DocumentsCase):
    """The screens in Chromium, in French: the dashboard's cards, the aged balance pivot and
    the customer list open without error and show their figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_dataset()
        cls.env.ref("base.user_admin").write(
            {
                "lang": "fr_FR",
                "company_ids": [Command.link(cls.company.id)],
                "company_id": cls.company.id,
            }
        )

    def _check_screen(self, url, selector, phrases):
        checks = " && ".join(f"text.includes({phrase!r})" for phrase in phrases)
        self.browser_js(
            url,
            f"""
            const text = document.body.innerText;
            if ({checks}) {{
                console.log('test successful');
            }} else {{
                console.error('missing French text: ' + text.slice(0, 2000));
            }}
            """,
            ready=f"!!document.querySelector({selector!r})",
            login="admin",
            timeout=120,
        )

    def test_screens_in_french(self):
        self._check_screen(
            "/odoo/action-account_dunning_fr.action_account_dunning_dashboard",
            ".o_form_view button[name=action_open_receivable]",
            ["Taux d'échu", "Délai moyen de paiement", "Créances", "Par niveau"],
        )
        balance = self._aged()
        action = balance.action_view()
        self.assertEqual(action["res_model"], "account.dunning.aged.balance.line")
        self._check_screen(
            "/odoo/action-account_dunning_fr.action_account_dunning_aged_balance_line",
            ".o_pivot table",
            ["Non échu", "1 à 30 jours", "Plus de 120 jours", self.customer.name],
        )
        self._check_screen(
            "/odoo/action-account_dunning_fr.action_dunning_customers",
            ".o_list_view .o_data_row",
            ["Montant échu", "Plus ancien retard", self.customer_2.name],
        )
