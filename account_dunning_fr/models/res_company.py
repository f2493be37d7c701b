# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

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
# pylint: enable=prefer-env-translation


class ResCompany(models.Model):
    _inherit = "res.company"

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

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_policy()
        companies._dunning_set_default_penalty_terms()
        return companies

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
        """Give each company without one a default B2B policy, named in every active language."""
        Policy = self.env["account.dunning.policy"].sudo().with_context(lang="en_US")
        has_default = Policy._get_default_for_companies(self)
        template = self.env.ref(
            "account_dunning_fr.mail_template_dunning_reminder", raise_if_not_found=False
        )
        report = self.env.ref(
            "account_dunning_fr.action_report_dunning_letter", raise_if_not_found=False
        )
        vals_list = [
            {
                "name": "Standard dunning",
                "company_id": company.id,
                "is_default": True,
                "customer_kind": "b2b",
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
                            "mail_template_id": template.id if template else False,
                            "report_id": report.id if report else False,
                        },
                    )
                    for index, (name, delay, channel, auto_send, gap, hold) in enumerate(
                        DEFAULT_LEVELS, start=1
                    )
                ],
            }
            for company in self
            if company.id not in has_default
        ]
        policies = Policy.create(vals_list)
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            env = self.with_context(lang=lang).env
            policies.with_context(lang=lang).name = env._("Standard dunning")
            for policy in policies.with_context(lang=lang):
                for level, (name, *_rest) in zip(
                    policy._get_levels_in_order(), DEFAULT_LEVELS, strict=True
                ):
                    level.name = name._translate(lang)
        return policies
