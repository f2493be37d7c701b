# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import split_every
from odoo.tools.mail import email_split_and_format
from odoo.tools.translate import LazyTranslate

from ..tools.ageing import DEFAULT_LIMITS, MAX_LIMITS, parse_limits
from .account_dunning_communication import MAIL_TEMPLATE
from .dunning_rights import check_dunning_manager, is_dunning_manager
from .dunning_wording import default_company_wording, untranslated_defaults

_lt = LazyTranslate(__name__)

# pylint: disable=prefer-env-translation
# (module-level labels: no environment yet, translated per language when the policy is created)
# (name, delay in days, channel, send automatically, minimum gap, credit hold)
DEFAULT_LEVELS = [
    (_lt("Courtesy reminder"), -5, "email", True, 0, False),
    (_lt("First reminder"), 7, "email", True, 7, False),
    (_lt("Second reminder"), 21, "email", True, 10, False),
    (_lt("Phone call"), 30, "phone", True, 7, False),
    (_lt("Formal notice"), 45, "formal_notice", False, 10, True),
    (_lt("Litigation hand-over"), 75, "litigation", False, 21, False),
]
# The consumer policy: the same steps, no credit hold (its wording is the consumers', see
# dunning_wording.default_level_wording).
CONSUMER_LEVELS = [(*level[:5], False) for level in DEFAULT_LEVELS]
# (customer kind, policy name, levels) of the policies each company gets.
DEFAULT_POLICIES = [
    ("b2b", _lt("Standard dunning"), DEFAULT_LEVELS),
    ("b2c", _lt("Consumer dunning"), CONSUMER_LEVELS),
]
# pylint: enable=prefer-env-translation
# The legal wording a dunning manager edits from Configuration > Dunning > Legal Wording,
# without the right to change the rest of the company.
WORDING_FIELDS = {
    "dunning_registered_mention",
    "dunning_notice_legal_text",
    "dunning_notice_legal_text_consumer",
    "dunning_notice_consequences",
    "dunning_notice_consequences_consumer",
    "dunning_posting_delay_days",
    "dunning_signatory_name",
    "dunning_signatory_function",
}


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "account.dunning.bounds.mixin"]
    _dunning_bounds = {
        "dunning_posting_delay_days": (0, 30),
        "dunning_send_batch_size": (1, 500),
        "dunning_background_threshold": (0, 10000),
    }

    dunning_penalty_clause_id = fields.Many2one(
        "account.dunning.penalty.clause",
        string="Default Penalty Clause",
        domain="[('company_id', '=', id), ('consumer', '=', False)]",
        help="Late-payment terms of professional customers without a clause of their own.",
    )
    dunning_consumer_clause_id = fields.Many2one(
        "account.dunning.penalty.clause",
        string="Consumer Penalty Clause",
        domain="[('company_id', '=', id), ('consumer', '=', True)]",
        help="Late-payment terms of consumers without a clause of their own.",
    )
    dunning_interest_product_id = fields.Many2one(
        "product.product",
        string="Late-Payment Interest Product",
        help="Product of the interest lines of penalty invoices (no VAT).",
    )
    dunning_indemnity_product_id = fields.Many2one(
        "product.product",
        string="Recovery Indemnity Product",
        help="Product of the recovery indemnity lines of penalty invoices (no VAT).",
    )

    dunning_notice_legal_text = fields.Text(
        string="Legal Basis (Professionals)",
        translate=True,
        help="Paragraph of the formal notices and court dossiers of professional customers that "
        "states the legal basis of the claim: late-payment interest (L441-10 of the Commercial "
        "Code), the fixed recovery indemnity (D441-5) and the notice itself (article 1344 of the "
        "Civil Code).",
    )
    dunning_notice_legal_text_consumer = fields.Text(
        string="Legal Basis (Consumers)",
        translate=True,
        help="Same paragraph for consumers: interest at the legal rate from the formal notice "
        "(article 1344-1 of the Civil Code), no recovery indemnity.",
    )
    dunning_notice_consequences = fields.Text(
        string="Consequences of Non-Payment",
        translate=True,
        help="What happens if the formal notice is not complied with.",
    )
    dunning_notice_consequences_consumer = fields.Text(
        string="Consequences of Non-Payment (Consumers)",
        translate=True,
        help="Same paragraph for consumers: only what a consumer owes (no recovery indemnity, "
        "no collection costs).",
    )
    dunning_posting_delay_days = fields.Integer(
        string="Posting Delay (days)",
        default=3,
        help="Days allowed for a registered letter to reach the customer. A formal notice gives "
        "its deadline in days from receipt: the date it prints is the date of the letter plus "
        "this delay plus the deadline of the level.",
    )
    dunning_registered_mention = fields.Char(
        string="Registered Letter Mention",
        translate=True,
        help="Printed at the top of formal notices.",
    )
    dunning_signatory_name = fields.Char(
        string="Signatory",
        help="Person who signs formal notices (required to send them) and court dossiers.",
    )
    dunning_signatory_function = fields.Char(string="Signatory's Function", translate=True)
    dunning_show_portal_link = fields.Boolean(
        string="Online Payment Link in Reminders",
        default=True,
        help="Reminder letters and emails give the link of each invoice on the customer portal, "
        "where it can be downloaded and paid online when a payment provider is enabled.",
    )
    dunning_evidence_sequence = fields.Integer(
        string="Last Trail Number",
        readonly=True,
        copy=False,
        help="Number of the last communication sealed in the company's trail of sent "
        "communications.",
    )
    dunning_email_from = fields.Char(
        string="Dunning Sender",
        help="Address the dunning emails are sent from and answered to, e.g. "
        '"Credit Department <credit@example.com>". Empty: the company\'s name and email.',
    )
    dunning_send_batch_size = fields.Integer(
        string="Send Batch Size",
        default=20,
        help="Communications the scheduled action sends per transaction. Each batch renders "
        "its PDFs and queues its emails, about a second per communication: keep a batch far "
        "below the time limit of a request.",
    )
    dunning_background_threshold = fields.Integer(
        string="Background Sending Above",
        default=20,
        help="When more communications than this are validated, retried or computed at once, "
        "they are sent by the scheduled action in the background, batch after batch, instead "
        "of during the click.",
    )
    dunning_court_name = fields.Char(
        string="Commercial Court",
        help="Court named on the court dossiers of debtors who go before the tribunal de "
        "commerce, where a tribunal des activités économiques has replaced it, e.g. « Tribunal "
        "des activités économiques de Lyon ». Empty: the tribunal de commerce of the debtor's "
        "city. A customer's own court of the dossier comes first.",
    )
    dunning_legal_form = fields.Selection(related="partner_id.dunning_legal_form", readonly=False)
    dunning_rcs_city = fields.Char(related="partner_id.dunning_rcs_city", readonly=False)
    dunning_legal_representative = fields.Char(
        related="partner_id.dunning_legal_representative", readonly=False
    )

    dunning_aged_bucket_limits = fields.Char(
        string="Aged Balance Buckets",
        default=DEFAULT_LIMITS,
        required=True,
        help="Last day late of each column of the aged balance, separated by commas: "
        "30,60,90,120 gives not due, 1 to 30, 31 to 60, 61 to 90, 91 to 120 and over 120 days.",
    )

    @api.constrains("dunning_aged_bucket_limits")
    def _check_dunning_aged_bucket_limits(self):
        for company in self:
            try:
                parse_limits(company.dunning_aged_bucket_limits)
            except ValueError:
                raise ValidationError(
                    self.env._(
                        "The aged balance buckets of %(company)s must be up to %(count)s "
                        'numbers of days in increasing order, separated by commas, such as "%(example)s".',
                        company=company.name,
                        count=MAX_LIMITS,
                        example=DEFAULT_LIMITS,
                    )
                ) from None

    def _dunning_aged_bucket_limits(self):
        """The company's aged balance limits, as a list of days."""
        self.ensure_one()
        return parse_limits(self.dunning_aged_bucket_limits)

    @api.constrains("dunning_email_from")
    def _check_dunning_email_from(self):
        for company in self.filtered("dunning_email_from"):
            if len(email_split_and_format(company.dunning_email_from)) != 1:
                raise ValidationError(
                    self.env._(
                        "The dunning sender of %(company)s must be one email address, such as "
                        '"Credit Department <credit@example.com>".',
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_policy()
        companies._dunning_set_default_penalty_terms()
        companies.filtered(lambda c: not c.dunning_notice_legal_text)._dunning_set_default_wording()
        return companies

    def write(self, vals):
        if (
            vals
            and not self.env.su
            and set(vals) <= WORDING_FIELDS
            and self <= self.env.user.company_ids
            and is_dunning_manager(self.env)
        ):
            # a dunning manager's legal wording (Configuration > Dunning > Legal Wording)
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    def _dunning_action_wording(self):
        """The form of the company's legal wording (Configuration > Dunning)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Legal Wording"),
            "res_model": "res.company",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("account_dunning_fr.res_company_view_form_dunning_wording").id,
                    "form",
                )
            ],
            "target": "current",
        }

    def action_dunning_reset_wording(self):
        """Write the default legal wording in every installed language."""
        self._dunning_set_default_wording()
        return True

    def _dunning_set_default_wording(self):
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for lang in ["en_US", *langs]:
            wording = default_company_wording(self.with_context(lang=lang).env)
            self.sudo().with_context(lang=lang).write(wording)

    def _dunning_translate_default_wording(self, langs):
        """Default wording in ``langs`` where the companies still show the English one."""
        todo = untranslated_defaults(
            self, lambda env, _company: default_company_wording(env), langs
        )
        for lang, values_of in todo.items():
            for company, values in values_of.items():
                company.with_context(lang=lang).write(values)

    def _dunning_get_email_from(self):
        """Sender (and reply-to address) of the company's dunning emails: the dunning sender,
        else the company's name and email; empty when the company has no address."""
        self.ensure_one()
        return (self.dunning_email_from or "").strip() or self.email_formatted

    def _dunning_get_wording(self):
        """The company's legal wording in the environment's language, defaults for the empty
        fields."""
        self.ensure_one()
        defaults = default_company_wording(self.env)
        return {key: self[key] or default for key, default in defaults.items()}

    def _dunning_set_default_penalty_terms(self):
        """Statutory clauses (ECB + 10 points and 40 EUR; consumer: legal rate from the formal
        notice) and the penalty products, for companies that have none."""
        Clause = self.env["account.dunning.penalty.clause"].sudo().with_context(lang="en_US")
        interest = self.env.ref(
            "account_dunning_fr.product_late_interest", raise_if_not_found=False
        )
        indemnity = self.env.ref(
            "account_dunning_fr.product_recovery_indemnity", raise_if_not_found=False
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for company in self.sudo():
            vals = {}
            if not company.dunning_penalty_clause_id:
                clause = Clause.create(
                    {"name": "Statutory terms (L441-10)", "company_id": company.id}
                )
                vals["dunning_penalty_clause_id"] = clause.id
            if not company.dunning_consumer_clause_id:
                clause = Clause.create(
                    {
                        "name": "Consumers (legal rate after formal notice)",
                        "company_id": company.id,
                        "consumer": True,
                        "indemnity": False,
                    }
                )
                vals["dunning_consumer_clause_id"] = clause.id
            if not company.dunning_interest_product_id and interest:
                vals["dunning_interest_product_id"] = interest.id
            if not company.dunning_indemnity_product_id and indemnity:
                vals["dunning_indemnity_product_id"] = indemnity.id
            company.write(vals)
            for lang in langs:
                env = self.with_context(lang=lang).env
                for field, label in (
                    ("dunning_penalty_clause_id", env._("Statutory terms (L441-10)")),
                    (
                        "dunning_consumer_clause_id",
                        env._("Consumers (legal rate after formal notice)"),
                    ),
                ):
                    if field in vals:
                        company[field].with_context(lang=lang).name = label

    def _dunning_create_default_policy(self):
        """Give each company without them a default professional (B2B) policy and a default
        consumer (B2C) policy, named in every active language."""
        Policy = self.env["account.dunning.policy"].sudo().with_context(lang="en_US")
        template = (
            self.env.ref(MAIL_TEMPLATE, raise_if_not_found=False) or self.env["mail.template"]
        )
        report = self.env.ref(
            "account_dunning_fr.action_report_dunning_letter", raise_if_not_found=False
        )
        notice_report = self.env.ref(
            "account_dunning_fr.action_report_dunning_formal_notice", raise_if_not_found=False
        )
        vals_list, specs = [], []
        for kind, policy_name, levels in DEFAULT_POLICIES:
            has_default = Policy._get_default_for_companies(self, kind)
            for company in self.filtered(lambda company, has=has_default: company.id not in has):
                specs.append((policy_name, levels))
                vals_list.append(
                    {
                        "name": policy_name._translate("en_US"),
                        "company_id": company.id,
                        "is_default": True,
                        "customer_kind": kind,
                        "level_ids": [
                            (
                                0,
                                0,
                                {
                                    "sequence": 10 * index,
                                    "name": name._translate("en_US"),
                                    "delay_days": delay,
                                    "channel": channel,
                                    "auto_send": auto_send,
                                    "min_gap_days": gap,
                                    "credit_hold": hold,
                                    "mail_template_id": template.id,
                                    "report_id": (
                                        (notice_report if channel == "formal_notice" else report)
                                        or self.env["ir.actions.report"]
                                    ).id,
                                    "payment_deadline_days": 15
                                    if channel == "formal_notice"
                                    else 8,
                                    "email_copy": channel == "formal_notice",
                                },
                            )
                            for index, (name, delay, channel, auto_send, gap, hold) in enumerate(
                                levels, start=1
                            )
                        ],
                    }
                )
        policies = Policy.create(vals_list)
        policies.level_ids._set_default_wording()
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            for policy, (policy_name, levels) in zip(
                policies.with_context(lang=lang), specs, strict=True
            ):
                policy.name = policy_name._translate(lang)
                for level, (name, *_rest) in zip(
                    policy._get_levels_in_order(), levels, strict=True
                ):
                    level.name = name._translate(lang)
        return policies

    def action_dunning_check_integrity(self):
        """Check the trail of the sent communications of the companies and say what breaks."""
        check_dunning_manager(
            self.env,
            self.env._("Only a dunning manager can check the integrity of the communications."),
        )
        results = self._dunning_check_integrity()
        lines = []
        for result in results:
            if result["breaks"]:
                lines.append(
                    self.env._(
                        "%(company)s: the trail of %(count)s sent communication(s) is broken:",
                        company=result["company"].name,
                        count=result["sealed"],
                    )
                )
                lines += [f"- {problem}" for problem in result["breaks"]]
            else:
                lines.append(
                    self.env._(
                        "%(company)s: the trail of %(count)s sent communication(s) is intact.",
                        company=result["company"].name,
                        count=result["sealed"],
                    )
                )
        broken = any(result["breaks"] for result in results)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Integrity of the Sent Communications"),
                "message": "\n".join(lines),
                "type": "danger" if broken else "success",
                "sticky": broken,
            },
        }

    def _dunning_check_integrity(self):
        """Recompute the hash of each communication of the companies' trails and compare.

        :return: one dict per company: ``company``, ``sealed`` (how many communications are in
                 the trail) and ``breaks`` (what differs, translated, naming the communication).
        """
        Comm = self.env["account.dunning.communication"].sudo()
        labels = dict(Comm._fields["state"]._description_selection(self.env))
        results = []
        for company in self:
            comm_ids = Comm.search(
                [("company_id", "=", company.id), ("secure_sequence_number", "!=", False)],
                order="secure_sequence_number",
            ).ids
            breaks = []
            previous_hash, expected = "", 1
            for batch_ids in split_every(1000, comm_ids):
                self.env.invalidate_all()
                batch = Comm.browse(batch_ids)
                values = batch._get_evidence_values()
                for comm in batch:
                    number = comm.secure_sequence_number
                    if number != expected:
                        breaks.append(
                            self.env._(
                                "%(name)s: the trail numbers %(first)s to %(last)s are "
                                "missing before it (communications deleted).",
                                name=comm.name,
                                first=expected,
                                last=number - 1,
                            )
                        )
                    else:
                        computed = Comm._hash_evidence(values[comm.id], previous_hash)
                        if computed != comm.inalterable_hash:
                            breaks.append(
                                self.env._(
                                    "%(name)s: its stored hash %(stored)s differs from the "
                                    "hash of what it holds now, %(computed)s: it was changed "
                                    "after it was sent.",
                                    name=comm.name,
                                    stored=comm.inalterable_hash,
                                    computed=computed,
                                )
                            )
                    if comm.state not in ("sent", "failed", "cancelled"):
                        breaks.append(
                            self.env._(
                                "%(name)s: sealed when sent, it is now %(state)s.",
                                name=comm.name,
                                state=labels.get(comm.state, comm.state),
                            )
                        )
                    previous_hash, expected = comm.inalterable_hash or "", number + 1
            if company.dunning_evidence_sequence >= expected:
                breaks.append(
                    self.env._(
                        "The trail numbers %(first)s to %(last)s, the last ones, are missing "
                        "(communications deleted).",
                        first=expected,
                        last=company.dunning_evidence_sequence,
                    )
                )
            unsealed = Comm.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sent"),
                    ("inalterable_hash", "=", False),
                    "|",
                    ("channel", "!=", "email"),
                    ("email_status", "=", "sent"),
                ]
            )
            breaks += [
                self.env._("%(name)s: sent, but missing from the trail (no hash).", name=comm.name)
                for comm in unsealed
            ]
            results.append({"company": company, "sealed": len(comm_ids), "breaks": breaks})
        return results
