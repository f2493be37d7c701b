# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "French Dunning (Recouvrement des impayés)",
    "version": "18.0.1.0.0",
    "summary": "Customer dunning and credit collection under French law: reminders, "
    "formal notices, late interest, 40 EUR indemnity",
    "category": "Accounting/Accounting",
    "author": "account_dunning_fr developers",
    "website": "https://github.com/account-dunning-fr/account_dunning_fr",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "maintainers": ["account-dunning-fr"],
    "depends": ["account"],
    "data": [
        "security/account_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "reports/account_dunning_reports.xml",
        "reports/account_dunning_letter_templates.xml",
        "data/ir_cron_data.xml",
        "views/account_dunning_policy_views.xml",
        "views/account_dunning_run_views.xml",
        "views/account_dunning_communication_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "wizards/account_dunning_communication_cancel_views.xml",
        "views/account_dunning_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
}
