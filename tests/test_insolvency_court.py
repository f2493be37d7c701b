"""Insolvency proceedings, the competent court and the court dossier (issue 14, requirements 1
to 3): interest stops at the opening judgment, the claim to declare and its reminder, the
Declaration of Claim, the court decided from the debtor's legal form, the dossier's claim in the
company currency, up to its date, without time-barred invoices, penalty invoices counted once.

Figures are worked out in the tests from the rule: simple interest, amount x rate x days / 365,
the statutory rate of 2026's first semester being the ECB rate (2.15 %) + 10 points."""

import html
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .common import DunningCase
from .document_common import COURT_DOSSIER, DocumentsCase

CLAIM_DECLARATION = "account_dunning_fr.action_report_dunning_claim_declaration"
DOSSIER_MODEL = "report.account_dunning_fr.report_dunning_court_dossier"
RATE_2026_H1 = 2.15 + 10  # statutory rate of the first semester of 2026 (ECB + 10 points)

JUDGMENT = date(2026, 2, 16)
PUBLICATION = date(2026, 2, 25)


def interest(amount, rate, days):
    """amount x rate% x days / 365, rounded half-up to the cent (the project's convention)."""
    return float(f"{amount * rate / 100 * days / 365 + 1e-9:.2f}")


class InsolvencyMixin:
    """A customer in receivership since ``JUDGMENT`` (published on ``PUBLICATION``) with three
    invoices: late at the judgment (A), born before it and due after it (B), born after it
    (C)."""

    def _receivership(self, customer):
        self.representative = self.env["res.partner"].create(
            {
                "name": "Maître Hélène Roux",
                "street": "8 cours de l'Intendance",
                "zip": "33000",
                "city": "Bordeaux",
            }
        )
        with freeze_time("2026-02-26"):
            customer.write(
                {
                    "dunning_insolvency_state": "receivership",
                    "dunning_insolvency_judgment_date": JUDGMENT,
                    "dunning_insolvency_date": PUBLICATION,
                    "dunning_insolvency_court": "Tribunal de commerce de Bordeaux",
                    "dunning_insolvency_representative_id": self.representative.id,
                }
            )

    def _three_invoices(self, customer):
        # A: due 15 January 2026 (issued 16 December 2025), late at the judgment.
        # B: issued 21 January, due 20 February: born before the judgment, due after it.
        # C: issued 18 February, after the judgment (L622-17), due 20 March.
        return self._invoices(
            [
                (customer, date(2026, 1, 15), 10000.0),
                (customer, date(2026, 2, 20), 2500.0),
                (customer, date(2026, 3, 20), 1200.0),
            ]
        )


@tagged("post_install", "-at_install")
class TestInsolvencyCourt(InsolvencyMixin, DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur
        cls.eur = eur
        # Dollars per euro: 1.25 from 1 December 2025, 1.20 from 1 March 2026.
        cls.usd = cls.setup_other_currency(
            "USD", rates=[("2025-12-01", 1.25), ("2026-03-01", 1.20)]
        )
        cls.customer.dunning_legal_form = "sarl"

    # -- requirement 1: insolvency proceedings ----------------------------------------------

    def test_interest_stops_at_the_judgment_and_later_invoices_run_normally(self):
        inv_a, inv_b, inv_c = self._three_invoices(self.customer)
        self._receivership(self.customer)
        as_of = date(2026, 4, 15)
        penalties = (inv_a | inv_b | inv_c)._dunning_get_penalties(as_of)
        # A: from 16 January through 15 February, the day before the judgment: 31 days, and
        # the same whatever the date of the computation.
        days_a = (JUDGMENT - timedelta(days=1) - date(2026, 1, 15)).days
        self.assertEqual(days_a, 31)
        self.assertEqual(penalties[inv_a.id]["interest"], interest(10000, RATE_2026_H1, days_a))
        self.assertEqual(
            inv_a._dunning_get_penalties(date(2026, 6, 30))[inv_a.id]["interest"],
            penalties[inv_a.id]["interest"],
            "no interest runs after the judgment",
        )
        self.assertEqual(penalties[inv_a.id]["indemnity"], 40.0, "late at the judgment")
        # B: the proceedings forbade paying it at its due date: neither interest nor indemnity.
        self.assertNotIn(inv_b.id, penalties)
        # C: born after the judgment: from 21 March through 15 April, 26 days, and 40 EUR.
        days_c = (as_of - date(2026, 3, 20)).days
        self.assertEqual(penalties[inv_c.id]["interest"], interest(1200, RATE_2026_H1, days_c))
        self.assertEqual(penalties[inv_c.id]["indemnity"], 40.0)
        # The dunning goes on for C only: A and B are declared, not dunned nor invoiced.
        comms = self._run(as_of)
        self.assertEqual(comms.line_ids.move_id, inv_c)
        with self.assertRaises(UserError):
            self.env["account.dunning.penalty.charge"]._create_penalty_invoices(inv_a, as_of)
        charge = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
            inv_a | inv_c, as_of
        )
        self.assertEqual(charge.invoice_line_ids.dunning_penalty_source_id, inv_c)

    def test_claim_declaration_by_nature(self):
        inv_a, inv_b, inv_c = self._three_invoices(self.customer)
        self._receivership(self.customer)
        with freeze_time("2026-04-15"):
            claim = self.customer._dunning_get_claim_declarations(self.company)[self.customer.id]
        self.assertEqual([row["move"] for row in claim["rows"]], [inv_a, inv_b])
        expected_interest = interest(10000, RATE_2026_H1, 31)
        self.assertEqual(claim["totals"]["principal_due"], 10000.0)
        self.assertEqual(claim["totals"]["principal_not_due"], 2500.0)
        self.assertEqual(claim["totals"]["interest"], expected_interest)
        self.assertEqual(claim["totals"]["indemnity"], 40.0)
        self.assertAlmostEqual(claim["totals"]["total"], 12500 + expected_interest + 40)
        self.assertNotIn(inv_c, [row["move"] for row in claim["rows"]], "born after")

    def test_declaration_reminder_states_amounts_and_deadline(self):
        self.customer.dunning_collector_id = self.env.user
        self._three_invoices(self.customer)
        self._receivership(self.customer)
        activity = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("account_dunning_fr.mail_activity_type_declare_claim")
        )
        self.assertEqual(len(activity), 1)
        deadline = PUBLICATION + relativedelta(months=2)
        self.assertEqual(activity.date_deadline, deadline)
        # As of the day the proceedings were recorded (26 February): A's interest to the
        # judgment (31 days) and its indemnity; B and C are not due yet, B is declared.
        expected_interest = interest(10000, RATE_2026_H1, 31)
        note = html.unescape(str(activity.note))

        def money(amount):
            return format_amount(self.env, amount, self.eur)

        self.assertIn(money(12500 + expected_interest + 40), activity.summary)
        self.assertIn(money(12500), note, "principal")
        self.assertIn(money(expected_interest), note, "interest to the judgment")
        self.assertIn(money(40), note, "indemnity")
        self.assertIn(format_date(self.env, deadline), note)
        self.assertIn(format_date(self.env, JUDGMENT), note)
        self.assertIn("Maître Hélène Roux", note)
        self.assertIn("mandataire judiciaire", note)

    # -- requirement 2: the court -----------------------------------------------------------

    def test_legal_form_decides_the_court(self):
        Dossier = self.env[DOSSIER_MODEL]
        expected = {
            "sas": ("commerce", "12946"),
            "sci": ("judiciaire", "12948"),
            "association": ("judiciaire", "12948"),
            "scp": ("judiciaire", "12948"),
            "selarl": ("judiciaire", "12948"),
            "ei_trader": ("commerce", "12946"),
        }
        for legal_form, (court, form) in expected.items():
            self.customer_2.dunning_legal_form = legal_form
            decided = Dossier._get_court(self.customer_2, False, self.company)
            self.assertIn(court, decided["name"], legal_form)
            self.assertIn(form, decided["form"], legal_form)
            self.assertIn("Nantes", decided["name"], "the court of the debtor's domicile")
            self.assertFalse(decided["unknown"])
        self.customer_2.dunning_legal_form = False
        unknown = Dossier._get_court(self.customer_2, False, self.company)
        self.assertTrue(unknown["unknown"], "never guessed")
        self.assertIn("legal form", unknown["name"])
        self.assertIn("12946", unknown["form"])
        self.assertIn("12948", unknown["form"])
        consumer = Dossier._get_court(self.customer_2, True, self.company)
        self.assertIn("12948", consumer["form"], "a consumer: the tribunal judiciaire")

    def test_court_named_on_the_company_or_the_customer(self):
        Dossier = self.env[DOSSIER_MODEL]
        self.customer_2.dunning_legal_form = "sas"
        self.company.dunning_court_name = "Tribunal des activités économiques de Nantes"
        decided = Dossier._get_court(self.customer_2, False, self.company)
        self.assertEqual(decided["name"], "Tribunal des activités économiques de Nantes")
        self.assertIn("12946", decided["form"])
        self.customer_2.dunning_legal_form = "sci"
        self.assertIn(
            "judiciaire",
            Dossier._get_court(self.customer_2, False, self.company)["name"],
            "the company's commercial court is not the court of a civil company",
        )
        self.customer_2.with_company(
            self.company
        ).dunning_court_name = "Tribunal judiciaire de Saint-Nazaire"
        self.assertEqual(
            Dossier._get_court(self.customer_2, False, self.company)["name"],
            "Tribunal judiciaire de Saint-Nazaire",
        )

    # -- requirement 3: the court dossier ---------------------------------------------------

    def _dossier(self, partner, as_of):
        with freeze_time(as_of):
            return self.env[DOSSIER_MODEL]._get_dossiers(partner, self.company, as_of)[partner.id]

    def test_foreign_currency_invoice_counted_in_company_currency(self):
        eur_inv = self._invoices([(self.customer, date(2026, 1, 31), 1000.0)])
        usd_inv = self._invoices([(self.customer, date(2026, 1, 31), 1250.0, self.usd)])
        as_of = date(2026, 3, 2)
        dossier = self._dossier(self.customer, as_of)
        # 1,250.00 USD booked at 1.25: 1,000.00 EUR; its interest (30 days) converted at the
        # dossier's date (1.20); two indemnities of 40 EUR.
        days = (as_of - date(2026, 1, 31)).days
        usd_interest = interest(1250, RATE_2026_H1, days)
        eur_interest = interest(1000, RATE_2026_H1, days)
        self.assertEqual(dossier["totals"]["principal"], 2000.0)
        self.assertAlmostEqual(
            dossier["totals"]["interest"], eur_interest + round(usd_interest / 1.20, 2)
        )
        self.assertEqual(dossier["totals"]["indemnity"], 80.0)
        self.assertAlmostEqual(
            dossier["totals"]["total"], 2000 + eur_interest + round(usd_interest / 1.20, 2) + 80
        )
        row = next(row for row in dossier["invoices"] if row["move"] == usd_inv)
        self.assertEqual(row["residual"], 1250.0, "the invoice's own amount stays shown")
        self.assertTrue(row["foreign"])
        self.assertIn(eur_inv, [row["move"] for row in dossier["invoices"]])

    def _sent(self, invoice, when):
        """A reminder letter about ``invoice`` posted on ``when``, made by the system only
        (sudo), as the run makes them."""
        comm = (
            self.env["account.dunning.communication"]
            .sudo()
            .create(
                {
                    "name": f"DUN/{when.isoformat()}",
                    "company_id": self.company.id,
                    "date": when,
                    "partner_id": self.customer.id,
                    "recipient_id": self.customer.id,
                    "level_id": self.level_1.id,
                    "channel": "letter",
                    "currency_id": invoice.currency_id.id,
                }
            )
        )
        comm.write({"state": "to_send"})  # validated, then posted
        comm.write({"state": "sent", "sent_date": when})
        return comm.sudo(False)

    def test_history_up_to_the_dossier_date_only(self):
        inv = self._invoices([(self.customer, date(2026, 1, 15), 900.0)])
        first = self._sent(inv, date(2026, 1, 25))
        later = self._sent(inv, date(2026, 2, 20))
        dossier = self._dossier(self.customer, date(2026, 2, 10))
        self.assertEqual([h["comm"] for h in dossier["history"]], [first], "not the later one")
        self.assertEqual(dossier["invoices"][0]["move"], inv)
        self.assertEqual(
            [h["comm"] for h in self._dossier(self.customer, date(2026, 2, 25))["history"]],
            [first, later],
        )

    def test_time_barred_invoice_flagged_and_out_of_the_claim(self):
        old, recent = self._invoices(
            [(self.customer, date(2020, 1, 31), 700.0), (self.customer, date(2026, 1, 31), 300.0)]
        )
        as_of = date(2026, 3, 2)
        self.assertLessEqual(old.dunning_limitation_date, as_of, "5 years have passed")
        dossier = self._dossier(self.customer, as_of)
        self.assertEqual(dossier["time_barred"], old)
        self.assertEqual([row["move"] for row in dossier["invoices"]], [recent])
        days = (as_of - date(2026, 1, 31)).days
        self.assertAlmostEqual(
            dossier["totals"]["total"], 300 + interest(300, RATE_2026_H1, days) + 40
        )

    def test_posted_penalty_invoice_counted_once(self):
        inv = self._invoices([(self.customer, date(2025, 12, 31), 6000.0)])
        with freeze_time("2026-02-02"):
            action = self.customer.action_dunning_create_penalty_invoice()
        penalty_move = self.env["account.move"].browse(action["res_id"])
        penalty_move.action_post()
        # Interest from 1 January through 2 February 2026 (33 days), and 40 EUR.
        charged = interest(6000, RATE_2026_H1, 33) + 40
        self.assertAlmostEqual(penalty_move.amount_total, charged)
        same_day = self._dossier(self.customer, date(2026, 2, 2))
        self.assertEqual(
            {row["move"] for row in same_day["invoices"]},
            {inv, penalty_move},
            "claimed as invoices",
        )
        self.assertEqual(same_day["totals"]["principal"], 6000.0)
        self.assertAlmostEqual(same_day["totals"]["penalties_charged"], charged)
        self.assertEqual(same_day["totals"]["interest"], 0.0, "not charged twice")
        self.assertEqual(same_day["totals"]["indemnity"], 0.0, "not charged twice")
        self.assertAlmostEqual(same_day["totals"]["total"], 6000 + charged)
        # A month later: the interest since the penalty invoice (3 February - 2 March: the 61
        # days from 1 January less the 33 charged) is added, the penalty invoice still once.
        later = self._dossier(self.customer, date(2026, 3, 2))
        since = interest(6000, RATE_2026_H1, 61) - interest(6000, RATE_2026_H1, 33)
        self.assertAlmostEqual(later["totals"]["interest"], since)
        self.assertAlmostEqual(later["totals"]["total"], 6000 + charged + since)
        self.assertEqual(len([r for r in later["invoices"] if r["penalty_invoice"]]), 1)


@tagged("post_install", "-at_install")
class TestInsolvencyCourtDocuments(InsolvencyMixin, DocumentsCase):
    def test_declaration_of_claim_only_in_proceedings(self):
        self._invoices([(self.customer_2, date(2026, 1, 15), 100.0)])
        with self.assertRaises(UserError):
            self.env.ref(CLAIM_DECLARATION)._render_qweb_html(
                "account_dunning_fr.report_dunning_claim_declaration", self.customer_2.ids
            )

    def test_declaration_of_claim_pdf(self):
        self.company.write(
            {
                "dunning_legal_form": "sas",
                "dunning_rcs_city": "Lyon",
                "dunning_legal_representative": "Claire Dupont, présidente",
            }
        )
        self.customer.write(
            {"dunning_legal_form": "sarl", "dunning_legal_representative": "Paul Martin, gérant"}
        )
        inv_a, inv_b, inv_c = self._three_invoices(self.customer)
        self._receivership(self.customer)
        with freeze_time("2026-03-02"):
            pdf = self.render(CLAIM_DECLARATION, self.customer.ids)
        self.assertLayoutOk(pdf)
        self.assertPdfContains(pdf, "Déclaration de créance")
        self.assertPdfContains(pdf, "Redressement judiciaire")
        self.assertPdfContains(pdf, "16/02/2026", "the opening judgment")
        self.assertPdfContains(pdf, "25/04/2026", "the deadline: 2 months from the BODACC")
        self.assertPdfContains(pdf, "Tribunal de commerce de Bordeaux")
        self.assertPdfContains(pdf, "Maître Hélène Roux")
        self.assertPdfContains(pdf, "8 cours de l'Intendance")
        for heading in ("Créancier", "Débiteur", "Montant déclaré", "Factures", "Échéance"):
            self.assertPdfContains(pdf, heading, "in French")
        self.assertPdfContains(pdf, "Fournitures Dupont SAS", "the creditor")
        self.assertPdfContains(pdf, "RCS Lyon 732 829 320")
        self.assertPdfContains(pdf, "Claire Dupont, présidente")
        self.assertPdfContains(pdf, "Boulangerie Martin SARL", "the debtor")
        self.assertPdfContains(pdf, "SARL (société à responsabilité limitée)")
        self.assertPdfContains(pdf, "Paul Martin, gérant")
        expected_interest = interest(10000, RATE_2026_H1, 31)
        total = 12500 + expected_interest + 40
        for amount in (10000, 2500, expected_interest, 40, total):
            text = f"{amount:,.2f}".replace(",", " ").replace(".", ",") + " €"
            self.assertPdfContains(pdf, text)
        self.assertPdfContains(pdf, "chirographaire")
        self.assertPdfContains(pdf, "aucun privilège")
        self.assertPdfContains(pdf, inv_a.name)
        self.assertPdfContains(pdf, inv_b.name)
        self.assertPdfNotContains(pdf, inv_c.name, "born after the judgment: not declared")
        self.assertPdfContains(pdf, "Claire Dupont", "the signatory")
        self.assertPdfContains(pdf, "Fait à Lyon, le 02/03/2026")

    def test_court_dossier_parties_court_and_own_wording(self):
        self.env.user.lang = "fr_FR"
        self.company.write(
            {
                "dunning_legal_form": "sas",
                "dunning_rcs_city": "Lyon",
                "dunning_legal_representative": "Claire Dupont, présidente",
                "dunning_court_name": "Tribunal des activités économiques de Bordeaux",
            }
        )
        self.customer.write(
            {
                "dunning_legal_form": "sas",
                "dunning_rcs_city": "Bordeaux",
                "dunning_legal_representative": "Paul Martin, président",
            }
        )
        old, inv = self._invoices(
            [(self.customer, date(2020, 1, 31), 700.0), (self.customer, date(2026, 1, 15), 900.0)]
        )
        self._comm(self.level_notice, inv, date(2026, 2, 16), sent=True)
        with freeze_time("2026-03-02"):
            pdf = self.render(COURT_DOSSIER, self.customer.ids)
        self.assertLayoutOk(pdf)
        self.assertPdfContains(pdf, "Tribunal des activités économiques de Bordeaux")
        self.assertPdfContains(pdf, "12946")
        self.assertPdfContains(pdf, "SAS (société par actions simplifiée)")
        self.assertPdfContains(pdf, "RCS Lyon 732 829 320")
        self.assertPdfContains(pdf, "RCS Bordeaux 552 100 554")
        self.assertPdfContains(pdf, "Paul Martin, président")
        self.assertPdfContains(pdf, "Claire Dupont, présidente")
        self.assertPdfContains(pdf, "certaine, liquide et exigible")
        self.assertPdfNotContains(pdf, "vous met en demeure", "not the formal notice's wording")
        self.assertPdfContains(pdf, "prescrites", "the time-barred invoice is flagged")
        self.assertPdfContains(pdf, old.name)
        # unknown legal form: the dossier asks for it
        self.customer.dunning_legal_form = False
        with freeze_time("2026-03-02"):
            pdf = self.render(COURT_DOSSIER, self.customer.ids)
        self.assertPdfContains(pdf, "forme juridique")
        self.assertPdfNotContains(pdf, "Tribunal des activités économiques de Bordeaux")
