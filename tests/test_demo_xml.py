"""The addon's small XML demo (account_dunning_fr/demo/), loaded as Odoo loads it into a database
installed with demo data. bin/test builds its database without demo data, so the test loads the
files of the manifest's ``demo`` key into its own transaction, on a company of its own."""

from datetime import timedelta

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.modules.module import get_manifest
from odoo.tests import tagged
from odoo.tools import convert_file

MODULE = "account_dunning_fr"


@tagged("post_install", "-at_install")
class TestDemoXml(AccountTestInvoicingCommon):
    def _ref(self, name):
        return self.env.ref(f"{MODULE}.{name}")

    def test_demo_loads_and_the_run_reminds_the_late_customers(self):
        demo_files = get_manifest(MODULE)["demo"]
        self.assertIn("demo/account_dunning_demo.xml", demo_files)
        self.env.company.email = "compta@demo.test"  # dunning emails leave from the company
        for filename in demo_files:
            convert_file(self.env, MODULE, filename, {}, mode="init", noupdate=True, kind="demo")

        today = fields.Date.context_today(self.env.user)
        invoices = {
            name: self._ref(f"account_move_demo_{name}")
            for name in (
                "menuiserie_current",
                "menuiserie_late",
                "clinique_20",
                "transports_45",
                "transports_70",
                "atelier_100",
            )
        }
        self.assertEqual({inv.state for inv in invoices.values()}, {"posted"})
        self.assertEqual(
            {name: (today - inv.invoice_date_due).days for name, inv in invoices.items()},
            {
                "menuiserie_current": -25,
                "menuiserie_late": 10,
                "clinique_20": 20,
                "transports_45": 45,
                "transports_70": 70,
                "atelier_100": 100,
            },
        )
        self.assertEqual({inv.company_id for inv in invoices.values()}, {self.env.company})

        clinic = self._ref("res_partner_demo_clinique")
        promise = self._ref("account_dunning_promise_demo_clinique")
        self.assertEqual(promise.partner_id, clinic)
        self.assertEqual(promise.state, "open")
        # promised for next week, three grace days: the reminders pause ten days
        self.assertEqual(promise.pause_until, today + timedelta(days=10))

        run = self.env["account.dunning.run"].create({"company_id": self.env.company.id})
        run.action_compute()
        reminded = run.communication_ids.partner_id
        self.assertEqual(
            reminded,
            self._ref("res_partner_demo_menuiserie")
            | self._ref("res_partner_demo_transports")
            | self._ref("res_partner_demo_atelier"),
            "the clinic's promise to pay pauses its reminders",
        )
        self.assertNotIn("failed", run.communication_ids.mapped("state"))
