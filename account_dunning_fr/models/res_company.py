# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, models
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

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_create_default_policy()
        return companies

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
