"""Browser tours of the main screens, in French, as the credit manager of a demo company.

The company is built by the demo builder (devtools/build_demo.py) with the generic chart, the
French terms of the modules the screens show are loaded, and the daily dunning runs once: a
formal notice waits for validation, a phone call is due today, courtesy reminders are sent.
Each tour (account_dunning_fr/static/tests/tours/) is driven in Chromium by
HttpCase.start_tour and checks the French texts and the records a user must see.

To add a screen: write a tour in that folder, registered as ``account_dunning_fr_tour_<name>``,
and add ``<name>`` to ``TOURS``.
"""

import sys
import unittest
from datetime import date, timedelta
from pathlib import Path

import pytest

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from ..smtp import smtp_server

try:
    from devtools.build_demo import build_demo
except ImportError:  # pytest launched as a script: the repository root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from devtools.build_demo import build_demo

pytestmark = pytest.mark.acceptance

LANG = "fr_FR"
# the modules whose French terms (menus, views, fields, mail templates) the tours read
FRENCH_MODULES = ["base", "web", "mail", "account", "account_dunning_fr"]
MANAGER_NAME = "Claire Vasseur"  # the administrator, credit manager of the company
NOTICE_CUSTOMER = "Boulangerie Martin SARL"  # gets a formal notice to validate
CALL_CUSTOMER = "Garage Moreau"  # no email address: a phone call, and letters to print
# the tours of account_dunning_fr/static/tests/tours/, registered as account_dunning_fr_tour_<name>
TOURS = ("communications", "customer", "worklist", "configuration", "cockpit")


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang(LANG)
        env["ir.module.module"]._load_module_terms(FRENCH_MODULES, [LANG], overwrite=True)
        # created once French is active: its default policy is named in French too
        cls.company = env["res.company"].create(
            {"name": "Atelier Dupont SAS", "country_id": env.ref("base.fr").id}
        )
        cls.manager = env.ref("base.user_admin")
        cls.manager.write(
            {
                "name": MANAGER_NAME,
                "tz": "Europe/Paris",
                "company_ids": [Command.set(cls.company.ids)],
                "company_id": cls.company.id,
                "groups_id": [Command.link(env.ref("account.group_account_manager").id)],
            }
        )
        # the manager's today (the browser's, the activities'), in every date of the set-up
        cls.today = fields.Date.context_today(cls.manager.partner_id.with_user(cls.manager))
        demo = build_demo(env, today=cls.today, chart_template="generic_coa", company=cls.company)
        customers = demo["customers"]
        customers.write({"dunning_collector_id": cls.manager.id})
        by_name = {customer.name: customer for customer in customers}
        cls.notice_customer = by_name[NOTICE_CUSTOMER]
        cls.call_customer = by_name[CALL_CUSTOMER]

        cls._enter_reference_rates()
        policy = env["account.dunning.policy"].search(
            [
                ("company_id", "=", cls.company.id),
                ("is_default", "=", True),
                ("customer_kind", "=", "b2b"),
            ]
        )
        levels = {level.channel: level for level in policy.level_ids}
        # the known invoices the tours look for, beside the demo's own
        cls.notice_invoice, cls.call_invoice = cls._invoice(
            [(cls.notice_customer, 60, 1234.56), (cls.call_customer, 35, 876.40)]
        )
        cls.notice_invoice.dunning_level_override_id = levels["formal_notice"]
        cls.call_invoice.dunning_level_override_id = levels["phone"]

        # the daily dunning, computed by the credit manager from the Runs menu
        Run = env["account.dunning.run"].with_user(cls.manager).with_context(lang=LANG)
        run = Run.with_company(cls.company).create(
            {"company_id": cls.company.id, "date": cls.today}
        )
        run._generate_communications()
        run.action_compute()
        # more than the company sends during a click: the scheduled action sends the rest, batch
        # after batch (each call one batch, as the cron runner calls it while work remains)
        while Run._send_queue_batch()[1]:
            pass
        # the mail queue of the morning sends the reminders: only then are they sent
        with smtp_server(env):  # set-up runs outside the test's "do not connect" guard
            env["mail.mail"].with_user(cls.manager).sudo().process_email_queue()
        cls.communications = run.communication_ids

    @classmethod
    def _enter_reference_rates(cls):
        """The reference rates of the semesters the open invoices span, as the credit manager
        enters them when they are published (the shipped table ends with the addon's release;
        the tours run at today's date): the latest known rate of each kind, carried over."""
        Rate = cls.env["account.dunning.rate"]
        known = {(rate.kind, rate.date_start): rate.rate for rate in Rate.search([])}
        day = cls.today - timedelta(days=200)
        start = date(day.year, 1 if day.month <= 6 else 7, 1)
        vals_list = []
        while start <= cls.today:
            for kind, _label in Rate._fields["kind"].selection:
                if (kind, start) not in known:
                    latest = max(d for k, d in known if k == kind and d < start)
                    known[kind, start] = known[kind, latest]
                    vals_list.append(
                        {"kind": kind, "date_start": start, "rate": known[kind, start]}
                    )
            start = date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)
        Rate.create(vals_list)

    @classmethod
    def _invoice(cls, specs):
        """Posted invoices from (customer, days overdue, amount) tuples."""
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "sale")], limit=1
        )
        moves = (
            cls.env["account.move"]
            .with_company(cls.company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "company_id": cls.company.id,
                        "journal_id": journal.id,
                        "partner_id": partner.id,
                        "invoice_date": cls.today - timedelta(days=days_late + 30),
                        "invoice_date_due": cls.today - timedelta(days=days_late),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Comptoir de bar sur mesure",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                    for partner, days_late, amount in specs
                ]
            )
        )
        moves.action_post()
        return moves

    def test_setup(self):
        """What the tours rely on, checked on the records (the tours check the screens)."""
        notice = self.communications.filtered(lambda comm: comm.channel == "formal_notice")
        self.assertEqual(notice.partner_id, self.notice_customer)
        self.assertEqual(notice.state, "draft")
        self.assertEqual(notice.line_ids.move_id, self.notice_invoice)
        self.assertEqual(notice.amount_indemnity, 40.0, "the recovery indemnity of a professional")
        self.assertGreater(notice.amount_interest, 0.0)
        call = self.communications.filtered(lambda comm: comm.channel == "phone")
        self.assertEqual(call.partner_id, self.call_customer)
        self.assertEqual(call.state, "sent")
        activity = call.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, self.today)
        courtesy = self.communications.filtered(
            lambda comm: comm.level_id.with_context(lang=LANG).name == "Relance de courtoisie"
            and comm.partner_id == self.notice_customer
        )
        self.assertEqual(courtesy.state, "sent")

    def test_tours(self):
        """Each tour in turn, in one test: the web client's assets are built once."""
        for name in TOURS:
            with self.subTest(tour=name):
                for attempt in (1, 2):
                    try:
                        self.start_tour("/odoo", f"account_dunning_fr_tour_{name}", login="admin")
                        break
                    except unittest.SkipTest as error:  # no Chromium, no websocket-client
                        # a Chromium slow to open its devtools port on a loaded machine gets
                        # a second chance; a missing Chromium or websocket-client does not
                        if attempt == 1 and "devtools port" in str(error):
                            continue
                        self.fail(f"The browser tour {name} could not run: {error}")
