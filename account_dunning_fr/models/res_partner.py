# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from .dunning_references import count_references, describe_references
from .dunning_rights import (
    ACCOUNTING_GROUPS,
    DUNNING_GROUPS,
    check_dunning_manager,
    is_dunning_manager,
)

LITIGATION_STATES = [
    ("amicable", "Amicable"),
    ("formal_notice", "Formal notice sent"),
    ("agency", "Handed to a collection agency"),
    ("lawyer", "Handed to a lawyer"),
    ("court", "Before the court"),
]
# Once handed over, the customer's debt is no longer dunned automatically.
HANDED_OVER_STATES = ("agency", "lawyer", "court")
# Computed from the receivables: invalidated before any decision based on them.
CREDIT_FIELDS = ["dunning_exposure", "dunning_credit_limit", "dunning_over_limit"]
# Months after the publication of the judgment to declare the claim (C. com. R622-24).
CLAIM_DECLARATION_MONTHS = 2
# SQL expressions of the partner's commercial entity (_dunning_overdue_sql): the compute, the
# search and the ordering of the customer list read the same expressions.
OVERDUE_FIELDS = ("dunning_overdue_amount", "dunning_overdue_days")
OVERDUE_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
# What a letter needs to be posted.
POSTAL_ADDRESS_FIELDS = ("street", "zip", "city")


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "account.dunning.policy",
        company_dependent=True,
        check_company=True,
        groups=ACCOUNTING_GROUPS,
        domain=lambda self: [("company_id", "=", self.env.company.id)],
        help="Leave empty to use the company's default policy. Decided on the commercial "
        "entity: contacts follow their company.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        groups=ACCOUNTING_GROUPS,
        domain=[("share", "=", False)],
        help="Person in charge of collecting this customer's debts: gets the phone calls.",
    )
    dunning_excluded = fields.Boolean(
        string="Exclude from Dunning",
        company_dependent=True,
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="No reminder is ever produced for this customer.",
    )
    dunning_credit_hold = fields.Boolean(
        string="Credit Hold",
        company_dependent=True,
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="Set by hand, by a dunning level or when the exposure exceeds the credit limit: "
        "new customer invoices are posted by managers only. Decided per company.",
    )
    dunning_credit_hold_reason = fields.Selection(
        [("manual", "Set by hand"), ("level", "Dunning level"), ("limit", "Credit limit exceeded")],
        string="Hold Reason",
        company_dependent=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_litigation_state = fields.Selection(
        LITIGATION_STATES,
        string="Litigation",
        default="amicable",
        company_dependent=True,
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="Once handed to an agency, a lawyer or a court, the customer is no longer dunned "
        "automatically.",
    )
    dunning_litigation_date = fields.Date(
        string="Hand-over Date", company_dependent=True, groups=ACCOUNTING_GROUPS, tracking=True
    )
    dunning_litigation_ref = fields.Char(
        string="Hand-over Reference",
        company_dependent=True,
        groups=DUNNING_GROUPS,
        help="File number at the agency, the lawyer or the court.",
    )
    dunning_litigation_partner_id = fields.Many2one(
        "res.partner",
        string="Handled By",
        company_dependent=True,
        groups=DUNNING_GROUPS,
        help="The agency, lawyer or court in charge.",
    )
    dunning_court_claim_date = fields.Date(
        string="Court Claim Filed On",
        company_dependent=True,
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="Filing date of the claim before the court (injonction de payer, summons): it "
        "interrupts the limitation period of the invoices open at that date for as long as the "
        "proceedings last (C. civ. 2241-2242).",
    )
    dunning_solvency_ids = fields.One2many(
        "account.dunning.solvency",
        "partner_id",
        string="Solvency Records",
        groups=DUNNING_GROUPS,
    )
    dunning_insured_limit = fields.Monetary(
        string="Credit-Insured Limit",
        compute="_compute_dunning_insured_limit",
        currency_field="currency_id",
        groups=DUNNING_GROUPS,
        help="Cover granted by the credit insurer (latest valid decision).",
    )
    dunning_exposure = fields.Monetary(
        string="Exposure",
        groups=ACCOUNTING_GROUPS,
        compute="_compute_dunning_credit",
        currency_field="currency_id",
        help="Open receivables plus draft customer invoices, in the company's currency.",
    )
    dunning_credit_limit = fields.Monetary(
        string="Effective Credit Limit",
        groups=ACCOUNTING_GROUPS,
        compute="_compute_dunning_credit",
        currency_field="currency_id",
        help="The customer's credit limit, else the company's default one, when credit limits "
        "are enabled in the accounting settings.",
    )
    dunning_over_limit = fields.Boolean(
        string="Over Credit Limit", compute="_compute_dunning_credit", groups=ACCOUNTING_GROUPS
    )
    dunning_customer_kind = fields.Selection(
        [("b2b", "Professional"), ("b2c", "Consumer")],
        string="Customer Kind",
        groups=ACCOUNTING_GROUPS,
        compute="_compute_dunning_customer_kind",
        store=True,
        readonly=False,
        help="Consumers owe no recovery indemnity, interest only from the formal notice, and "
        "their debts are time-barred after 2 years. Computed from 'Is a Company'; set it by "
        "hand for a sole trader recorded as an individual.",
    )
    dunning_penalty_clause_id = fields.Many2one(
        "account.dunning.penalty.clause",
        string="Penalty Clause",
        company_dependent=True,
        check_company=True,
        groups=ACCOUNTING_GROUPS,
        domain=lambda self: [("company_id", "=", self.env.company.id)],
        help="Late-payment terms agreed with this customer. Empty: the company's default "
        "clause (its consumer clause for consumers).",
    )
    dunning_insolvency_state = fields.Selection(
        [
            ("safeguard", "Safeguard (sauvegarde)"),
            ("receivership", "Receivership (redressement judiciaire)"),
            ("liquidation", "Liquidation (liquidation judiciaire)"),
        ],
        string="Insolvency Proceedings",
        groups=ACCOUNTING_GROUPS,
        tracking=True,
        help="Collective proceedings opened against the customer: dunning stops and no "
        "interest or indemnity accrues; the claim is declared to the court-appointed "
        "representative.",
    )
    dunning_insolvency_date = fields.Date(
        string="Publication Date",
        groups=ACCOUNTING_GROUPS,
        help="Date of publication of the judgment (BODACC).",
    )
    dunning_communication_ids = fields.One2many(
        "account.dunning.communication",
        "partner_id",
        string="Dunning Communications",
        groups=DUNNING_GROUPS,
    )
    dunning_communication_count = fields.Integer(
        compute="_compute_dunning_communication_count",
        groups=DUNNING_GROUPS,
    )
    dunning_promise_count = fields.Integer(
        string="Open Promises",
        compute="_compute_dunning_commitment_counts",
        groups=DUNNING_GROUPS,
    )
    dunning_payment_plan_count = fields.Integer(
        string="Payment Plans",
        compute="_compute_dunning_commitment_counts",
        groups=DUNNING_GROUPS,
    )

    dunning_interest_total = fields.Monetary(
        string="Late Interest Due",
        compute="_compute_dunning_penalty_totals",
        currency_field="currency_id",
        groups=DUNNING_GROUPS,
        help="Late-payment interest accrued on the customer's invoices and not charged yet, "
        "as of today, in the company currency.",
    )
    dunning_indemnity_total = fields.Monetary(
        string="Indemnities Due",
        compute="_compute_dunning_penalty_totals",
        currency_field="currency_id",
        groups=DUNNING_GROUPS,
    )
    dunning_penalty_missing_rates = fields.Char(
        string="Interest Incomplete",
        compute="_compute_dunning_penalty_totals",
        groups="account_dunning_fr.group_dunning_user",
        help="Semesters whose reference rate is missing: the late interest due leaves them "
        "out until the rate is entered.",
    )

    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_overdue",
        search="_search_dunning_overdue_amount",
        currency_field="currency_id",
        groups=ACCOUNTING_GROUPS,
        help="Open receivables of the customer past their due date, less its unallocated "
        "payments, in the company's currency.",
    )
    dunning_overdue_days = fields.Integer(
        string="Oldest Overdue (days)",
        compute="_compute_dunning_overdue",
        search="_search_dunning_overdue_days",
        groups=ACCOUNTING_GROUPS,
        help="Days past the due date of the customer's oldest unpaid item.",
    )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "dunning_collector_id",
            "dunning_excluded",
            "dunning_credit_hold",
            "dunning_insolvency_state",
            "dunning_customer_kind",
            "dunning_insolvency_date",
            "dunning_credit_hold_reason",
            "dunning_litigation_state",
            "dunning_litigation_date",
            "dunning_litigation_ref",
            "dunning_litigation_partner_id",
            "dunning_court_claim_date",
        ]

    @api.depends("is_company", "parent_id.is_company", "commercial_partner_id.is_company")
    def _compute_dunning_customer_kind(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            if commercial != partner and commercial.dunning_customer_kind:
                partner.dunning_customer_kind = commercial.dunning_customer_kind
            else:
                partner.dunning_customer_kind = "b2b" if commercial.is_company else "b2c"

    @api.depends_context("company")
    def _compute_dunning_credit(self):
        company = self.env.company
        exposures = self._dunning_get_exposures(company)
        limits = self._dunning_get_credit_limits(company)
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.dunning_exposure = exposures.get((commercial, company.id), 0.0)
            partner.dunning_credit_limit = limits.get(commercial, 0.0)
            partner.dunning_over_limit = bool(
                partner.dunning_credit_limit
                and partner.dunning_exposure > partner.dunning_credit_limit
            )

    def _dunning_overdue_sql(self, fname, commercial_sql):
        """SQL of ``fname`` (an OVERDUE_FIELDS) for the commercial partner ``commercial_sql``,
        in the current company, as of today (or the context's ``dunning_date``)."""
        today = self.env.context.get("dunning_date") or fields.Date.context_today(self)
        lines = SQL(
            """FROM account_move_line aml
               JOIN res_partner line_partner ON line_partner.id = aml.partner_id
              WHERE line_partner.commercial_partner_id = %(partner)s
                AND aml.company_id = %(company)s
                AND %(open_receivable)s
                AND aml.date_maturity < %(today)s""",
            partner=commercial_sql,
            open_receivable=self.env["account.move.line"]._dunning_open_receivable_sql("aml"),
            company=self.env.company.id,
            today=today,
        )
        if fname == "dunning_overdue_amount":
            return SQL("(SELECT COALESCE(SUM(aml.amount_residual), 0) %s)", lines)
        return SQL(
            "(SELECT COALESCE(MAX(%s::date - aml.date_maturity), 0) %s AND aml.amount_residual > 0)",
            today,
            lines,
        )

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        if fname in OVERDUE_FIELDS:
            self.check_field_access_rights("read", [fname])
            if flush:
                self.env["account.move.line"].flush_model()
            return self._dunning_overdue_sql(fname, SQL.identifier(alias, "commercial_partner_id"))
        return super()._field_to_sql(alias, fname, query=query, flush=flush)

    @api.depends_context("company", "dunning_date")
    def _compute_dunning_overdue(self):
        """Both figures of all the partners in one query."""
        self.env["account.move.line"].flush_model()
        self.flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id, %s, %s FROM res_partner p WHERE p.id = ANY(%s)",
                *(
                    self._dunning_overdue_sql(fname, SQL("p.commercial_partner_id"))
                    for fname in OVERDUE_FIELDS
                ),
                list(self._origin.ids),
            )
        )
        figures = {partner_id: (amount, days) for partner_id, amount, days in rows}
        for partner in self:
            amount, days = figures.get(partner._origin.id, (0.0, 0))
            partner.dunning_overdue_amount = amount
            partner.dunning_overdue_days = days

    def _dunning_search_overdue(self, fname, operator, value):
        if operator not in OVERDUE_OPERATORS or isinstance(value, list | tuple):
            raise UserError(
                self.env._(
                    "The overdue amount and days can only be compared with one number "
                    "(=, !=, <, <=, >, >=)."
                )
            )
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT p.id FROM res_partner p WHERE %s %s %s)",
                    self._dunning_overdue_sql(fname, SQL("p.commercial_partner_id")),
                    SQL(operator),
                    value or 0,
                ),
            )
        ]

    def _search_dunning_overdue_amount(self, operator, value):
        return self._dunning_search_overdue("dunning_overdue_amount", operator, value)

    def _search_dunning_overdue_days(self, operator, value):
        return self._dunning_search_overdue("dunning_overdue_days", operator, value)

    @api.depends_context("company")
    def _compute_dunning_insured_limit(self):
        insured = self.env["account.dunning.solvency"]._get_insured_limits(self, self.env.company)
        for partner in self:
            partner.dunning_insured_limit = insured.get(partner.commercial_partner_id.id, 0.0)

    def _dunning_get_receivables(self, companies):
        """{(commercial partner id, company id): open receivable balance}, one grouped read."""
        receivables = defaultdict(float)
        for partner, company, amount in self.env["account.move.line"]._read_group(
            [
                *self.env["account.move.line"]._dunning_open_receivable_domain(),
                ("partner_id.commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "in", companies.ids),
            ],
            ["partner_id", "company_id"],
            ["amount_residual:sum"],
        ):
            receivables[partner.commercial_partner_id.id, company.id] += amount
        return receivables

    def _dunning_get_exposures(self, companies):
        """{(commercial partner id, company id): open receivables + draft customer invoices},
        two grouped reads whatever the number of customers and companies."""
        exposures = self._dunning_get_receivables(companies)
        for partner, company, amount in self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "in", companies.ids),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["commercial_partner_id", "company_id"],
            ["amount_total_signed:sum"],
        ):
            exposures[partner.id, company.id] += amount
        return exposures

    def _dunning_get_credit_limits(self, company):
        """{commercial partner id: limit} when the company uses credit limits: Odoo's
        company-dependent credit limit of the customer, which falls back on the company's
        default limit (Accounting settings) when the customer has none of its own."""
        if not company.account_use_credit_limit:
            return {}
        return {
            partner.id: partner.credit_limit
            for partner in self.commercial_partner_id.with_company(company)
        }

    def _dunning_hold_over_limit(self):
        """Put on credit hold the customers of the current company whose exposure exceeds their
        credit limit: found with one query on the receivables, logged on each customer."""
        company = self.env.company
        if not company.account_use_credit_limit:
            return self.browse()
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s AND %(open_receivable)s
                 GROUP BY p.commercial_partner_id
                HAVING SUM(aml.amount_residual) > 0
                """,
                company=company.id,
                open_receivable=self.env["account.move.line"]._dunning_open_receivable_sql("aml"),
            )
        )
        candidates = self.browse([partner_id for (partner_id,) in rows]).filtered(
            lambda p: not p.dunning_credit_hold
        )
        candidates.invalidate_recordset(CREDIT_FIELDS)
        over = candidates.with_company(company).filtered("dunning_over_limit")
        return over._dunning_put_on_hold("limit")

    def _dunning_put_on_hold(self, reason):
        """Put these customers on credit hold in the current company, for ``reason`` (a value
        of ``dunning_credit_hold_reason``: "level", "limit", or "manual" for the follow-up's
        *Credit Hold* button; the box ticked on the customer's form is the same write, whose
        reason ``write`` sets): one write and one note per customer, in batch. Customers already
        on hold keep their hold and its reason. Written whatever the user's rights on contacts:
        the callers decided it (the sending of a level, the posting of an invoice, the daily
        check, a dunning manager). Returns the customers put on hold."""
        partners = self.filtered(lambda partner: not partner.dunning_credit_hold)
        if not partners:
            return partners
        partners.sudo().write({"dunning_credit_hold": True, "dunning_credit_hold_reason": reason})
        if reason == "limit":  # a level's hold: the sent communication and the tracking say it
            partners._dunning_log(
                self.env._("Put on credit hold: the exposure exceeds the credit limit.")
            )
        return partners

    def _dunning_get_postal_partner(self):
        """The partner whose postal address a letter to this one shows: itself when its
        address is complete (street, zip and city), else its commercial entity when that one's
        is (an invoicing contact without an address of its own); nothing when neither can
        receive a letter."""
        self.ensure_one()
        for partner in self | self.commercial_partner_id:
            if all(partner[name] for name in POSTAL_ADDRESS_FIELDS):
                return partner
        return self.browse()

    def _dunning_log(self, text):
        """One internal note per partner, in one batch."""
        body = Markup("<p>%s</p>") % text
        self._message_log_batch(dict.fromkeys(self.ids, body))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._dunning_check_decisions(vals)
        partners = super().create(vals_list)
        partners._dunning_check_company_properties(set().union(*vals_list))
        return partners

    def _dunning_check_decisions(self, vals):
        """Lifting a credit hold, excluding from dunning and handing the debt over (or taking
        it back) are dunning managers' decisions, in the current company: refused to anyone
        else, whatever the screen or RPC call. Putting a customer on hold stays open to all."""
        if is_dunning_manager(self.env):
            return
        partners = self.sudo()  # the current values, whatever the user may read
        names = ", ".join(partners.mapped("display_name")) or vals.get("name", "")
        if "dunning_credit_hold" in vals and not vals["dunning_credit_hold"]:
            if partners.filtered("dunning_credit_hold"):
                check_dunning_manager(
                    self.env,
                    self.env._(
                        "Only a dunning manager can lift the credit hold of %(customers)s.",
                        customers=names,
                    ),
                )
        if vals.get("dunning_excluded") and (
            not self or not all(partners.mapped("dunning_excluded"))
        ):
            check_dunning_manager(
                self.env,
                self.env._(
                    "Only a dunning manager can exclude %(customers)s from dunning.",
                    customers=names,
                ),
            )
        if "dunning_litigation_state" in vals:
            new = vals["dunning_litigation_state"]
            olds = set(partners.mapped("dunning_litigation_state")) if self else {False}
            if any(
                old != new and (old in HANDED_OVER_STATES or new in HANDED_OVER_STATES)
                for old in olds
            ):
                check_dunning_manager(
                    self.env,
                    self.env._(
                        "Only a dunning manager can hand the debt of %(customers)s over to an "
                        "agency, a lawyer or a court, or take it back.",
                        customers=names,
                    ),
                )

    def _dunning_check_company_properties(self, fnames):
        """The policy and penalty clause of a customer in a company are that company's: a
        company never follows rules that the managers of another company may change."""
        fnames = {"dunning_policy_id", "dunning_penalty_clause_id"} & set(fnames)
        if fnames:
            self._check_company(list(fnames))

    def write(self, vals):
        self._dunning_check_decisions(vals)
        if vals.get("dunning_credit_hold") and "dunning_credit_hold_reason" not in vals:
            vals = dict(vals, dunning_credit_hold_reason="manual")
        if "dunning_credit_hold" in vals and not vals["dunning_credit_hold"]:
            vals = dict(vals, dunning_credit_hold_reason=False)
        insolvency = {
            "dunning_insolvency_state",
            "dunning_insolvency_date",
            "dunning_insolvency_judgment_date",
            "dunning_insolvency_representative_id",
        } & set(vals)
        res = super().write(vals)
        self._dunning_check_company_properties(vals)
        if insolvency:
            self.commercial_partner_id._dunning_schedule_claim_declaration()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_dunning_history(self):
        counts = count_references(
            self.env,
            {partner.id: partner.id for partner in self},
            [
                ("communication", "account.dunning.communication", "partner_id", "id"),
                ("communication", "account.dunning.communication", "recipient_id", "id"),
                ("promise", "account.dunning.promise", "partner_id", "id"),
                ("promise", "account.dunning.promise", "contact_id", "id"),
                ("plan", "account.dunning.payment.plan", "partner_id", "id"),
            ],
        )
        for partner in self.filtered(lambda partner: counts.get(partner.id)):
            raise UserError(
                self.env._(
                    "%(partner)s was used by %(references)s: the contact cannot be deleted. "
                    "Archive it instead.",
                    partner=partner.display_name,
                    references=describe_references(self.env, counts[partner.id]),
                )
            )

    def _dunning_schedule_claim_declaration(self):
        """Insolvency proceedings published: remind the collector to declare the claim to the
        court-appointed representative within 2 months of the publication, with what the
        customer owes to each company of the user, by nature (principal, interest to the
        judgment, indemnities). One reminder per proceedings, even once done, whatever the
        number of saves; a reminder still open is brought up to date."""
        activity_type = self.env.ref("account_dunning_fr.mail_activity_type_declare_claim")
        partners = self.filtered(lambda p: p.dunning_insolvency_state and p.dunning_insolvency_date)
        if not partners:
            return
        existing = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        activities = {(a.res_id, a.date_deadline): a for a in existing}
        company = self.env.company
        claims = {
            other: partners._dunning_get_claim_declarations(other)
            for other in self.env.companies | company
        }
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner in partners:
            deadline = partner.dunning_insolvency_date + relativedelta(
                months=CLAIM_DECLARATION_MONTHS
            )
            activity = activities.get((partner.id, deadline))
            if activity and not activity.active:
                continue  # declared already
            vals = partner._dunning_claim_declaration_reminder(claims, deadline)
            if activity:
                activity.write({"summary": vals["summary"], "note": vals["note"]})
                continue
            vals_list.append(
                {
                    **vals,
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": (partner.dunning_collector_id or self.env.user).id,
                    "date_deadline": deadline,
                }
            )
        self.env["mail.activity"].create(vals_list)

    def _dunning_claim_declaration_reminder(self, claims, deadline):
        """Summary and note of the reminder to declare the claim: ``claims`` are the
        declarations of each company, {company: {partner id: declaration}}."""
        self.ensure_one()
        company = self.env.company
        currency = company.currency_id
        states = dict(self._fields["dunning_insolvency_state"]._description_selection(self.env))
        totals = claims[company][self.id]["totals"]
        claim = format_amount(self.env, totals.get("total", 0.0), currency)
        representative = self._dunning_representative_title()
        if self.dunning_insolvency_representative_id:
            representative = self.env._(
                "%(title)s %(name)s",
                title=representative,
                name=self.dunning_insolvency_representative_id.display_name,
            )
        note = Markup("<p>%s</p>") % self.env._(
            "%(proceedings)s published on %(date)s: declare the claim (%(amount)s) "
            "to the %(representative)s by %(deadline)s at the latest.",
            proceedings=states[self.dunning_insolvency_state],
            date=format_date(self.env, self.dunning_insolvency_date),
            amount=claim,
            representative=representative,
            deadline=format_date(self.env, deadline),
        )
        if self.dunning_insolvency_judgment_date:
            note += Markup("<p>%s</p>") % self.env._(
                "Opening judgment of %(judgment)s. To declare: principal %(principal)s, "
                "interest to the judgment %(interest)s, recovery indemnities %(indemnity)s.",
                judgment=format_date(self.env, self.dunning_insolvency_judgment_date),
                principal=format_amount(
                    self.env,
                    totals.get("principal_due", 0.0) + totals.get("principal_not_due", 0.0),
                    currency,
                ),
                interest=format_amount(self.env, totals.get("interest", 0.0), currency),
                indemnity=format_amount(self.env, totals.get("indemnity", 0.0), currency),
            )
            if totals.get("penalties_invoiced"):
                note += Markup("<p>%s</p>") % self.env._(
                    "Penalty invoices issued before the judgment and unpaid: %(amount)s.",
                    amount=format_amount(self.env, totals["penalties_invoiced"], currency),
                )
        else:
            note += Markup("<p>%s</p>") % self.env._(
                "Record the date of the opening judgment: the interest to the judgment and the "
                "indemnities of the invoices late at it are part of the claim."
            )
        for other in self.env.companies - company:
            other_claim = claims[other][self.id]["totals"].get("total", 0.0)
            if other_claim > 0:
                note += Markup("<p>%s</p>") % self.env._(
                    "%(company)s declares its own claim: %(amount)s.",
                    company=other.name,
                    amount=format_amount(self.env, other_claim, other.currency_id),
                )
        return {
            "summary": self.env._(
                "Declare the claim of %(amount)s to the court-appointed representative",
                amount=claim,
            ),
            "note": note,
        }

    def _compute_dunning_communication_count(self):
        groups = self.env["account.dunning.communication"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_communication_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_commitment_counts(self):
        """Open promises and plans not closed yet, in the companies of the user."""
        counts = {}
        for model, domain in (
            ("account.dunning.promise", [("state", "=", "open")]),
            ("account.dunning.payment.plan", [("state", "in", ("draft", "active", "breached"))]),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), *domain],
                ["partner_id"],
                ["__count"],
            )
            counts[model] = {partner.id: count for partner, count in groups}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.dunning_promise_count = counts["account.dunning.promise"].get(commercial, 0)
            partner.dunning_payment_plan_count = counts["account.dunning.payment.plan"].get(
                commercial, 0
            )

    def _compute_dunning_penalty_totals(self):
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].search(
            [
                *self.env["account.move"]._dunning_invoice_domain(),
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("invoice_date_due", "<", today),
            ]
        )
        interest, indemnity = defaultdict(float), defaultdict(float)
        missing = defaultdict(set)
        penalties = moves._dunning_get_penalties(today)
        company = self.env.company
        for move in moves:
            penalty = penalties.get(move.id)
            if not penalty:
                continue
            partner_id = move.commercial_partner_id.id
            missing[partner_id].update(penalty["missing"])
            interest[partner_id] += move.currency_id._convert(
                penalty["interest"], company.currency_id, company, today
            )
            indemnity[partner_id] += penalty["indemnity_company"]  # 40 EUR, never re-converted
        for partner in self:
            partner.dunning_interest_total = interest[partner.commercial_partner_id.id]
            partner.dunning_indemnity_total = indemnity[partner.commercial_partner_id.id]
            starts = missing[partner.commercial_partner_id.id]
            partner.dunning_penalty_missing_rates = bool(starts) and self.env[
                "account.dunning.rate"
            ]._get_semester_labels(starts)

    def action_dunning_create_penalty_invoice(self):
        """Charge the customer's accrued late-payment interest and indemnities."""
        self.ensure_one()
        late = self.env["account.move"].search(
            [
                *self.env["account.move"]._dunning_invoice_domain(),
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        )
        return late.action_dunning_create_penalty_invoice()

    def action_view_dunning_promises(self):
        return self._dunning_action_commitments("account_dunning_fr.action_account_dunning_promise")

    def action_view_dunning_payment_plans(self):
        return self._dunning_action_commitments(
            "account_dunning_fr.action_account_dunning_payment_plan"
        )

    def _dunning_action_commitments(self, xml_id):
        self.ensure_one()
        commercial = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id, "search_default_current": 1}
        return action

    def action_view_dunning_communications(self):
        self.ensure_one()
        return self.env["account.dunning.communication"]._action_view(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )

    def action_dunning_followup(self):
        """The follow-up screen of the customer (its commercial entity)."""
        self.ensure_one()
        return self.env["account.dunning.followup"]._open_for(self)
