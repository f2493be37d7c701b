# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.dunning_documents import partner_identifiers
from ..models.dunning_legal_forms import legal_identity_lines
from ..tools.legal_forms import COMMERCIAL_COURT, JUDICIAL_COURT, court_kind

# Claims up to this amount may go through the simplified procedure (CPCE L125-1).
SIMPLIFIED_PROCEDURE_LIMIT = 5000.0


class ReportDunningCourtDossier(models.AbstractModel):
    """Dossier for an order for payment (injonction de payer, CPC 1405 ff.): the parties, the
    claim and its breakdown, the invoices, the dated history of the reminders and formal notices
    with their proof of receipt, the supporting documents, and the court to address."""

    _name = "report.account_dunning_fr.report_dunning_court_dossier"
    _description = "Court Dossier Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # A dossier for a French court, worded in the language of the user who prints it.
        report = self.with_context(lang=self.env.user.lang or self.env.lang)
        env = report.env
        data = data or {}
        company = env["res.company"].browse(data.get("company_id")) or env.company
        as_of = fields.Date.to_date(data.get("date")) or fields.Date.context_today(self)
        partners = env["res.partner"].browse(docids).commercial_partner_id
        dossiers = report._get_dossiers(partners, company, as_of)
        missing = partners.filtered(lambda partner: not dossiers[partner.id]["invoices"])
        if missing:
            raise UserError(
                env._(
                    "No overdue invoice to claim from %(customers)s: there is nothing to bring "
                    "before a court.",
                    customers=", ".join(missing.mapped("display_name")),
                )
            )
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "as_of": as_of,
            "dossiers": dossiers,
            "creditor_identifiers": partner_identifiers(env, company.partner_id),
            "creditor_identity": legal_identity_lines(env, company.partner_id),
            "legal": company._dunning_get_wording(),
        }

    @api.model
    def _get_dossiers(self, partners, company, as_of):
        """{partner id: dossier dict}, in batch: one search for the invoices, one for the
        communications, one penalty computation.

        The claim is in the company's currency (residuals as booked, interest converted at the
        dossier date, indemnities of 40 EUR as such); it leaves out disputed and time-barred
        invoices; unpaid penalty invoices are claimed as invoices, their interest and
        indemnities are not counted again. The history stops at the dossier date."""
        invoices = (
            self.env["account.move"]
            .search(
                [
                    *self.env["account.move"]._dunning_open_invoice_domain(),
                    ("commercial_partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("invoice_date", "<=", as_of),
                    "|",
                    ("invoice_date_due", "<", as_of),
                    ("dunning_is_penalty_invoice", "=", True),
                ],
                order="invoice_date_due, name",
            )
            .with_context(dunning_date=as_of)
        )
        penalties = invoices._dunning_get_penalties(as_of)
        charged = self.env["account.dunning.penalty.charge"]._get_charged(invoices)
        rates = {
            currency: currency._get_conversion_rate(currency, company.currency_id, company, as_of)
            for currency in invoices.currency_id
        }
        # Only what really went out: sent, an email accepted by the mail queue.
        communications = self.env["account.dunning.communication"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
                "|",
                ("channel", "!=", "email"),
                ("email_status", "=", "sent"),
                "|",
                ("sent_date", "<=", as_of),
                "&",
                ("sent_date", "=", False),
                ("date", "<=", as_of),
            ],
            order="sent_date, id",
        )
        credits_by_partner = dict(
            self.env["account.move.line"]._read_group(
                [
                    *self.env["account.move.line"]._dunning_open_receivable_domain(),
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("balance", "<", 0),
                    ("date", "<=", as_of),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        )
        channels = dict(
            self.env["account.dunning.communication"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        round_company = company.currency_id.round
        dossiers = {}
        invoices_by_partner = invoices.grouped("commercial_partner_id")
        comms_by_partner = communications.grouped("partner_id")
        for partner in partners:
            consumer = partner.dunning_customer_kind == "b2c"
            rows = []
            totals = defaultdict(float)
            disputed = time_barred = self.env["account.move"]
            for move in invoices_by_partner.get(partner, self.env["account.move"]):
                if move.dunning_disputed:
                    disputed |= move
                    continue
                if move.dunning_limitation_date and move.dunning_limitation_date <= as_of:
                    time_barred |= move
                    continue
                penalty = penalties.get(move.id, {})
                rate = rates[move.currency_id]
                charged_until = charged.get(move.id, (None, False))[0]
                row = {
                    "move": move,
                    "days_late": max((as_of - move.invoice_date_due).days, 0),
                    "residual": move.amount_residual,
                    "residual_company": move.amount_residual_signed,
                    "interest": penalty.get("interest", 0.0),
                    "interest_company": round_company(penalty.get("interest", 0.0) * rate),
                    "indemnity": penalty.get("indemnity", 0.0),
                    "indemnity_company": penalty.get("indemnity_company", 0.0),
                    "foreign": move.currency_id != company.currency_id,
                    "penalty_invoice": move.dunning_is_penalty_invoice,
                    "charged_until": charged_until,
                    "limitation_date": move.dunning_limitation_warning
                    and move.dunning_limitation_date,
                    "interest_note": penalty.get("missing")
                    and self.env["account.dunning.rate"]._get_incomplete_mention(
                        penalty["missing"]
                    ),
                }
                rows.append(row)
                key = "penalties_charged" if move.dunning_is_penalty_invoice else "principal"
                totals[key] += row["residual_company"]
                totals["interest"] += row["interest_company"]
                totals["indemnity"] += row["indemnity_company"]
            credit = -credits_by_partner.get(partner, 0.0)
            totals["credits"] = credit
            totals["total"] = round_company(
                totals["principal"]
                + totals["penalties_charged"]
                + totals["interest"]
                + totals["indemnity"]
                - credit
            )
            history = []
            documents = [
                self.env._(
                    "Invoice %(number)s of %(date)s",
                    number=row["move"].name,
                    date=format_date(self.env, row["move"].invoice_date),
                )
                for row in rows
            ]
            documents.append(
                self.env._("General terms and conditions of sale accepted by the customer")
            )
            documents.append(
                self.env._("Purchase orders and delivery notes or proofs of performance")
            )
            for comm in comms_by_partner.get(partner, []):
                receipt = (
                    comm.receipt_date if comm.receipt_date and comm.receipt_date <= as_of else False
                )
                history.append(
                    {
                        "comm": comm,
                        "channel": channels.get(comm.channel, comm.channel),
                        "date": comm.sent_date or comm.date,
                        "hash": comm.inalterable_hash,
                        "receipt_date": receipt,
                    }
                )
                if comm.channel in ("letter", "formal_notice"):
                    documents.append(
                        self.env._(
                            "%(document)s %(number)s of %(date)s",
                            document=(
                                self.env._("Formal notice")
                                if comm.channel == "formal_notice"
                                else self.env._("Reminder letter")
                            ),
                            number=comm.name,
                            date=format_date(self.env, comm.sent_date or comm.date),
                        )
                    )
                if receipt:
                    documents.append(
                        self.env._(
                            "Acknowledgment of receipt of %(number)s, signed on %(date)s",
                            number=comm.name,
                            date=format_date(self.env, receipt),
                        )
                    )
            notices = [h for h in history if h["comm"].channel == "formal_notice"]
            dossiers[partner.id] = {
                "consumer": consumer,
                "identifiers": partner_identifiers(self.env, partner),
                "legal_identity": legal_identity_lines(self.env, partner),
                "invoices": rows,
                "disputed": disputed,
                "time_barred": time_barred,
                "totals": dict(totals),
                "history": history,
                "documents": documents,
                "court": self._get_court(partner, consumer, company),
                "simplified_procedure": totals["total"] <= SIMPLIFIED_PROCEDURE_LIMIT,
                "formal_notice_sent": bool(notices),
                "claim_basis": self._get_claim_basis(consumer, notices),
            }
        return dossiers

    @api.model
    def _get_claim_basis(self, consumer, notices):
        """The dossier's own statement of the legal basis of the claim, addressed to the judge
        (not the formal notice's wording, which speaks to the debtor)."""
        basis = [
            self.env._(
                "The claim is of contractual origin, certain, liquid and due (art. 1405 of the "
                "Code of Civil Procedure); it results from the invoices listed below, which "
                "remain unpaid after their due dates."
            )
        ]
        if consumer:
            basis.append(
                self.env._(
                    "The sums due bear interest at the legal rate from the formal notice (art. "
                    "1231-6 and 1344-1 of the Civil Code)."
                )
            )
        else:
            basis.append(
                self.env._(
                    "Late-payment interest runs by law from the day after each due date at the "
                    "agreed rate, failing which at the rate of the European Central Bank's latest "
                    "refinancing operation plus 10 points (art. L441-10 of the Commercial Code), "
                    "and each invoice "
                    "paid late bears a fixed recovery indemnity of 40 euros (art. L441-10 and "
                    "D441-5 of the same Code)."
                )
            )
        if notices:
            first = notices[0]
            basis.append(
                self.env._(
                    "The debtor was put on notice to pay by the letter %(number)s of %(date)s "
                    "(art. 1344 of the Civil Code), which remained without effect.",
                    number=first["comm"].name,
                    date=format_date(self.env, first["date"]),
                )
            )
        return basis

    @api.model
    def _get_court(self, partner, consumer, company=None):
        """The court of the debtor's domicile competent for the order for payment, and the
        form to file: the tribunal de commerce for traders and commercial companies, the
        tribunal judiciaire for the others (C. com. L721-3), decided from the debtor's legal
        form; unknown legal form: the dossier asks for it. A court named by the user (on the
        customer, else on the company for the commercial court) replaces the default name."""
        company = company or self.env.company
        city = partner.city or self.env._("(city of the debtor's domicile)")
        kind = court_kind(partner.dunning_legal_form, consumer)
        named = partner.with_company(company).dunning_court_name
        if kind == JUDICIAL_COURT:
            return {
                "name": named
                or self.env._("Judicial court (tribunal judiciaire) of %(city)s", city=city),
                "form": self.env._("Cerfa form no. 12948 (request for an order for payment)"),
                "unknown": False,
            }
        if kind == COMMERCIAL_COURT:
            return {
                "name": named
                or company.dunning_court_name
                or self.env._("Commercial court (tribunal de commerce) of %(city)s", city=city),
                "form": self.env._("Cerfa form no. 12946 (request for an order for payment)"),
                "unknown": False,
            }
        return {
            "name": named
            or self.env._(
                "To be decided: record the debtor's legal form (customer form, Dunning tab)"
            ),
            "form": self.env._(
                "Cerfa no. 12946 (tribunal de commerce) if the debtor is a trader, an artisan or "
                "a commercial company, Cerfa no. 12948 (tribunal judiciaire) otherwise"
            ),
            "unknown": True,
        }
