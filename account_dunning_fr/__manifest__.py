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
    ],
}
