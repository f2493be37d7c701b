# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).


def post_init_hook(env):
    """Default policy for every existing company, and the next dunning date of open invoices."""
    companies = env["res.company"].search([])
    companies._dunning_create_default_policy()
    companies._dunning_set_default_penalty_terms()
    companies._dunning_set_default_wording()
    for company in companies:
        env["account.move"]._dunning_update_next_dates(company)
