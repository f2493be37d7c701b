"""Who may see and decide what (issue 12, requirements 5 to 7), checked with real users of each
group through the HTTP server (JSON-RPC /web/dataset/call_kw with a session, XML-RPC) and
through the ORM: every refusal names the exception type and leaves the data unchanged."""

import json
import xmlrpc.client
from datetime import timedelta as D

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import TODAY
from .credit_common import CreditCase

# Collection fields a portal user never gets, on its company and on its invoices.
PARTNER_FIELDS = [
    "dunning_credit_hold",
    "dunning_credit_hold_reason",
    "dunning_litigation_state",
    "dunning_litigation_ref",
    "dunning_litigation_partner_id",
    "dunning_exposure",
    "dunning_credit_limit",
    "dunning_insured_limit",
    "dunning_excluded",
    "dunning_collector_id",
    "dunning_policy_id",
    "dunning_penalty_clause_id",
    "dunning_insolvency_state",
    "dunning_customer_kind",
    "dunning_interest_total",
]
MOVE_FIELDS = [
    "dunning_level_id",
    "dunning_last_date",
    "dunning_next_date",
    "dunning_days_overdue",
    "dunning_disputed",
    "dunning_dispute_reason_id",
    "dunning_dispute_date",
    "dunning_dispute_note",
    "dunning_partner_on_hold",
    "dunning_interest_amount",
    "dunning_indemnity_amount",
    "dunning_claim_total",
    "dunning_limitation_date",
    "dunning_limitation_warning",
]
# Printed on the invoice itself (L441-9 mention) and the warning on the company's own terms.
PUBLIC_MOVE_FIELDS = {"dunning_legal_mention", "dunning_terms_exceed_cap"}
ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestRightsRpc(CreditCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Filiale Lyon")["company"]
        company_a = cls.company
        cls.clerk = new_test_user(
            cls.env,
            login="clerk.contacts",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=company_a.id,
            company_ids=[Command.set(company_a.ids)],
        )
        cls.auditor = new_test_user(
            cls.env,
            login="auditor.dunning",
            groups="account.group_account_readonly",
            company_id=company_a.id,
            company_ids=[Command.set(company_a.ids)],
        )
        cls.accountant_b = new_test_user(
            cls.env,
            login="accountant.lyon",
            groups="account.group_account_manager,base.group_partner_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        all_companies = cls.env["res.company"].search([])
        cls.manager_all = new_test_user(
            cls.env,
            login="manager.all",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_manager",
            company_id=company_a.id,
            company_ids=[Command.set(all_companies.ids)],
        )
        cls.portal = new_test_user(cls.env, login="portal.martin", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer
        lawyer = cls.env["res.partner"].create({"name": "Maître Lebrun", "is_company": True})
        cls.customer.write(
            {
                "dunning_credit_hold": True,
                "dunning_litigation_ref": "RG 26/0042",
                "dunning_litigation_partner_id": lawyer.id,
                "dunning_collector_id": cls.collector.id,
            }
        )
        cls.invoice = cls._invoices([(cls.customer, TODAY - D(40), 500.0)])
        cls.invoice.write(
            {
                "dunning_disputed": True,
                "dunning_dispute_note": "Says the goods arrived damaged",
                "dunning_dispute_date": TODAY,
            }
        )
        cls.invoice.message_subscribe(cls.customer.ids)

    # -------------------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------------------

    def _call(self, model, method, *args, **kwargs):
        """JSON-RPC call_kw in the session of the authenticated user: (result, error name)."""
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        error = body.get("error")
        self.last_error = error["data"]["message"] if error else ""
        return body.get("result"), error["data"]["name"] if error else False

    def _xmlrpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def _assert_refused_xmlrpc(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._xmlrpc(user, model, method, *args, **kwargs)
        self.assertEqual(
            caught.exception.faultCode, 4, "AccessError: " + caught.exception.faultString
        )
        return caught.exception.faultString

    def _state(self, partner, company=None):
        partner = partner.with_company(company or self.company)
        partner.invalidate_recordset()
        return (
            partner.dunning_credit_hold,
            partner.dunning_excluded,
            partner.dunning_litigation_state,
            partner.dunning_litigation_ref,
        )

    # -------------------------------------------------------------------------------------
    # Requirement 5: collection data is internal
    # -------------------------------------------------------------------------------------

    def _portal_readable(self, model):
        """The fields the portal user is offered (what ``read(fields=[])`` is made of), and
        its stored plain ones, which it can read all at once."""
        fields, error = self._call(model, "fields_get", attributes=["type", "store"])
        self.assertFalse(error)
        plain = [
            name
            for name, attrs in fields.items()
            if attrs["store"] and attrs["type"] not in ("many2one", "one2many", "many2many")
        ]
        return set(fields), plain

    def test_portal_user_gets_no_collection_field_over_jsonrpc(self):
        self.authenticate("portal.martin", "portal.martin")
        for model, record, public in (
            ("res.partner", self.customer, set()),
            ("account.move", self.invoice, PUBLIC_MOVE_FIELDS),
        ):
            offered, plain = self._portal_readable(model)
            self.assertLessEqual({f for f in offered if f.startswith("dunning_")}, public)
            for method, args in (
                ("read", ([record.id],)),
                ("search_read", ([("id", "=", record.id)],)),
            ):
                [values], error = self._call(model, method, *args, fields=plain)
                self.assertFalse(error)
                self.assertEqual(values["id"], record.id, f"its own {model} is readable")
                self.assertLessEqual({f for f in values if f.startswith("dunning_")}, public)
            # All fields at once: Odoo refuses it to portal users for core fields (bank
            # accounts, journals), never reaching a collection field.
            result, error = self._call(model, "read", [record.id], fields=[])
            self.assertEqual((result, error), (None, ACCESS_ERROR))
            self.assertNotIn("dunning", self.last_error)
        for fname in PARTNER_FIELDS:
            for method, args in (
                ("read", ([self.customer.id],)),
                ("search_read", ([("id", "=", self.customer.id)],)),
            ):
                result, error = self._call("res.partner", method, *args, fields=["name", fname])
                self.assertEqual((result, error), (None, ACCESS_ERROR), f"{method} {fname}")
        for fname in MOVE_FIELDS:
            for method, args in (
                ("read", ([self.invoice.id],)),
                ("search_read", ([("id", "=", self.invoice.id)],)),
            ):
                result, error = self._call("account.move", method, *args, fields=["name", fname])
                self.assertEqual((result, error), (None, ACCESS_ERROR), f"{method} {fname}")
        # Nor through the web client's reads, nor by searching on them (an oracle).
        result, error = self._call(
            "res.partner",
            "web_read",
            [self.customer.id],
            specification={"name": {}, "dunning_credit_hold": {}},
        )
        self.assertEqual(error, ACCESS_ERROR)
        result, error = self._call(
            "account.move", "search_count", [("dunning_dispute_note", "ilike", "damaged")]
        )
        self.assertEqual(error, ACCESS_ERROR)

    def test_portal_user_gets_no_collection_field_over_xmlrpc_and_orm(self):
        fault = self._assert_refused_xmlrpc(
            self.portal, "res.partner", "read", [self.customer.id], fields=["dunning_credit_hold"]
        )
        self.assertIn("dunning_credit_hold", fault)
        self._assert_refused_xmlrpc(
            self.portal, "account.move", "read", [self.invoice.id], fields=["dunning_dispute_note"]
        )
        offered = self._xmlrpc(self.portal, "account.move", "fields_get", attributes=["type"])
        self.assertLessEqual({f for f in offered if f.startswith("dunning_")}, PUBLIC_MOVE_FIELDS)
        customer = self.customer.with_user(self.portal)
        self.assertEqual([f for f in customer.fields_get() if f.startswith("dunning_")], [])
        with self.assertRaises(AccessError):
            customer.read(["dunning_litigation_ref"])
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.portal).read(["dunning_next_date"])

    def test_customer_portal_still_renders(self):
        self.authenticate("portal.martin", "portal.martin")
        home = self.url_open("/my/invoices")
        self.assertEqual(home.status_code, 200)
        self.assertIn(self.invoice.name, home.text)
        page = self.url_open(f"/my/invoices/{self.invoice.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn("damaged", page.text)
        pdf = self.url_open(f"/my/invoices/{self.invoice.id}?report_type=pdf&download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertEqual(self.url_open("/my/account").status_code, 200)

    def test_staff_forms_load_with_what_each_may_read(self):
        internal = new_test_user(
            self.env,
            login="sales.only",
            groups="base.group_user,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        expected = {
            # user: (sees the hold on the customer, sees the dispute note)
            self.billing: (True, False),
            self.auditor: (True, False),
            self.collector: (True, True),
            self.manager: (True, True),
            internal: (False, False),
        }
        for user, (hold, note) in expected.items():
            models = [("res.partner", self.customer)]
            if user != internal:  # no access to invoices at all
                models.append(("account.move", self.invoice))
            for model, record in models:
                Model = self.env[model].with_user(user)
                views = Model.get_views([(False, "form"), (False, "list"), (False, "search")])
                fields = views["models"][model]["fields"]
                self.assertEqual("dunning_credit_hold" in fields, hold and model == "res.partner")
                self.assertEqual("dunning_dispute_note" in fields, note and model == "account.move")
                # What the form reads on opening the record, as that user.
                values = record.with_user(user).web_read({name: {} for name in fields})
                self.assertEqual(values[0]["id"], record.id, f"{user.login} opens {model}")
        values = self.customer.with_user(self.billing).web_read({"dunning_credit_hold": {}})
        self.assertTrue(values[0]["dunning_credit_hold"])

    # -------------------------------------------------------------------------------------
    # Requirement 6: one company's decisions stay its own
    # -------------------------------------------------------------------------------------

    def test_company_b_cannot_change_company_a_dunning_of_a_shared_customer(self):
        self.assertFalse(self.customer.company_id, "a customer shared by the companies")
        before = self._state(self.customer)
        self.assertEqual(before, (True, False, "amicable", "RG 26/0042"))
        context_b = {"allowed_company_ids": self.company_b.ids}
        # In its own company, B decides for B only.
        self._xmlrpc(
            self.accountant_b,
            "res.partner",
            "write",
            [self.customer.id],
            {"dunning_excluded": True, "dunning_litigation_state": "lawyer"},
            context=context_b,
        )
        self.assertEqual(self._state(self.customer), before, "company A's decisions unchanged")
        self.assertEqual(self._state(self.customer, self.company_b), (False, True, "lawyer", False))
        # B's users cannot act as company A.
        fault = self._assert_refused_xmlrpc(
            self.accountant_b,
            "res.partner",
            "write",
            [self.customer.id],
            {"dunning_credit_hold": False, "dunning_excluded": True},
            context={"allowed_company_ids": self.company.ids},
        )
        self.assertIn("compan", fault.lower())
        with self.assertRaises(AccessError):
            self.customer.with_user(self.accountant_b).with_context(
                allowed_company_ids=self.company.ids
            ).write({"dunning_litigation_state": "court"})
        self.assertEqual(self._state(self.customer), before)
        # The engine of company A still dunns the customer (its SQL reads A's values).
        self.invoice.dunning_disputed = False
        self.customer.dunning_credit_hold = False
        comms = self._run(TODAY)
        self.assertEqual(comms.partner_id, self.customer)
        with self.env.cr.savepoint():
            self.assertFalse(self._run(TODAY + D(1), company=self.company_b))

    def test_reference_rates_written_by_a_manager_of_every_company_only(self):
        rate = self.env["account.dunning.rate"].search([("kind", "=", "ecb")], limit=1)
        value = rate.rate
        for user in (self.accountant_b, self.manager, self.collector):
            self._assert_refused_xmlrpc(
                user, "account.dunning.rate", "write", [rate.id], {"rate": 9.0}
            )
            with self.assertRaises(AccessError):
                rate.with_user(user).write({"rate": 9.0})
            with self.assertRaises(AccessError):
                rate.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["account.dunning.rate"].with_user(user).create(
                    {"kind": "ecb", "date_start": "2040-01-01", "rate": 1.0}
                )
        rate.invalidate_recordset()
        self.assertEqual(rate.rate, value)
        self.assertFalse(
            self.env["account.dunning.rate"].search([("date_start", "=", "2040-01-01")])
        )
        self._xmlrpc(self.manager_all, "account.dunning.rate", "write", [rate.id], {"note": "JO"})
        rate.invalidate_recordset()
        self.assertEqual(rate.note, "JO", "a dunning manager of every company may")

    def test_company_b_cannot_write_or_borrow_the_clauses_of_company_a(self):
        clause_a = self.company.dunning_penalty_clause_id
        clause_b = self.company_b.dunning_penalty_clause_id
        self.assertTrue(clause_a and clause_b)
        margin = clause_a.margin
        self._assert_refused_xmlrpc(
            self.accountant_b,
            "account.dunning.penalty.clause",
            "write",
            [clause_a.id],
            {"margin": 1.0},
        )
        with self.assertRaises(AccessError):
            clause_a.with_user(self.accountant_b).write({"margin": 1.0})
        clause_a.invalidate_recordset()
        self.assertEqual(clause_a.margin, margin)
        # Nor make one of B's customers follow A's clause (which A's managers change).
        customer_b = self.customer.with_user(self.accountant_b).with_company(self.company_b)
        with self.assertRaises(UserError):
            customer_b.write({"dunning_penalty_clause_id": clause_a.id})
        self.assertFalse(self.customer.with_company(self.company_b).dunning_penalty_clause_id)
        customer_b.write({"dunning_penalty_clause_id": clause_b.id})
        self.assertEqual(
            self.customer.with_company(self.company_b).dunning_penalty_clause_id, clause_b
        )
        clause_a.with_user(self.manager_all).write({"margin": 11.0})
        self.assertEqual(clause_a.margin, 11.0, "a manager of both companies may")

    # -------------------------------------------------------------------------------------
    # Requirement 7: managers' decisions
    # -------------------------------------------------------------------------------------

    def test_only_managers_lift_a_hold_exclude_or_hand_over(self):
        before = self._state(self.customer)
        decisions = [
            {"dunning_credit_hold": False},
            {"dunning_excluded": True},
            {"dunning_litigation_state": "agency"},
        ]
        # Users who may edit contacts: what stops them is the dunning decision.
        common = {
            "company_id": self.company.id,
            "company_ids": [Command.set(self.company.ids)],
        }
        collector = new_test_user(
            self.env,
            login="collector.contacts",
            groups="account_dunning_fr.group_dunning_user,base.group_partner_manager",
            **common,
        )
        manager = new_test_user(
            self.env,
            login="manager.contacts",
            groups="account_dunning_fr.group_dunning_manager,base.group_partner_manager",
            **common,
        )
        for login in ("clerk.contacts", "collector.contacts"):
            self.authenticate(login, login)
            for vals in decisions:
                result, error = self._call("res.partner", "write", [self.customer.id], vals)
                self.assertEqual((result, error), (None, ACCESS_ERROR), f"{login} {vals}")
                self.assertIn("Only a dunning manager can", self.last_error)
        for user in (self.clerk, collector):
            for vals in decisions:
                fault = self._assert_refused_xmlrpc(
                    user, "res.partner", "write", [self.customer.id], vals
                )
                self.assertIn("Only a dunning manager can", fault)
                with self.assertRaisesRegex(AccessError, "Only a dunning manager can"):
                    self.customer.with_user(user).write(vals)
            with self.assertRaisesRegex(AccessError, "Only a dunning manager can"):
                self.env["res.partner"].with_user(user).create(
                    {"name": "Excluded from the start", "dunning_excluded": True}
                )
        self.assertEqual(self._state(self.customer), before, "nothing changed")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Excluded from the start")]))
        # The clerk who could not lift the hold cannot post either.
        draft = self._draft_invoice(self.customer, 80.0)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(self.clerk).action_post()
        self.assertEqual(draft.state, "draft")
        # Putting on hold stays open to collectors; managers decide the rest.
        self.customer_2.with_user(collector).write({"dunning_credit_hold": True})
        self.assertTrue(self.customer_2.dunning_credit_hold)
        self.assertTrue(manager)
        self.authenticate("manager.contacts", "manager.contacts")
        for vals in decisions:
            result, error = self._call("res.partner", "write", [self.customer.id], vals)
            self.assertEqual((result, error), (True, False))
        self.assertEqual(self._state(self.customer), (False, True, "agency", "RG 26/0042"))

    def test_only_managers_agree_to_a_hand_over_on_breach(self):
        Plan = self.env["account.dunning.payment.plan"]
        count = Plan.search_count([])
        with self.assertRaisesRegex(AccessError, "Only a dunning manager can"):
            Plan.with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice.ids)],
                    "breach_action": "hand_over",
                    "breach_litigation_state": "lawyer",
                }
            )
        self.assertEqual(Plan.search_count([]), count)

    def test_only_managers_cancel_a_communication(self):
        self.invoice.dunning_disputed = False
        comm = self._run(TODAY)
        self.assertTrue(comm)
        state = comm.state
        self.authenticate("collector.dunning", "collector.dunning")
        result, error = self._call(
            "account.dunning.communication", "action_cancel", [comm.id], "Customer paid"
        )
        self.assertEqual((result, error), (None, ACCESS_ERROR))
        self.assertIn("Only a dunning manager can cancel", self.last_error)
        result, error = self._call(
            "account.dunning.communication",
            "write",
            [comm.id],
            {"state": "cancelled", "cancel_reason": "Customer paid"},
        )
        self.assertEqual(error, ACCESS_ERROR)
        result, error = self._call(
            "account.dunning.communication.cancel",
            "create",
            {"communication_ids": [Command.set(comm.ids)], "reason": "Customer paid"},
        )
        self.assertEqual(error, ACCESS_ERROR, "the cancel wizard is the managers'")
        self._assert_refused_xmlrpc(
            self.collector, "account.dunning.communication", "action_cancel", [comm.id], "Paid"
        )
        with self.assertRaises(AccessError):
            comm.with_user(self.collector).action_cancel("Customer paid")
        comm.invalidate_recordset()
        self.assertEqual((comm.state, comm.cancel_reason), (state, False), "nothing changed")
        self.authenticate("manager.dunning", "manager.dunning")
        result, error = self._call(
            "account.dunning.communication", "action_cancel", [comm.id], "Customer paid"
        )
        self.assertEqual(
            (result and result["params"]["message"], error),
            (
                "1 communication(s) cancelled, 1 of them already sent: their invoices go back to "
                "their previous level.",
                False,
            ),
        )
        comm.invalidate_recordset()
        self.assertEqual((comm.state, comm.cancel_uid), ("cancelled", self.manager))
