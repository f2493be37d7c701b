# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Who may see and decide what in dunning: the groups of the collection fields and the one
check of the decisions reserved to dunning managers."""

from odoo.exceptions import AccessError

# Collection data seen by accounting staff (invoicing clerks, auditors), never by portal users.
ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# Confidential collection data: collectors and managers only.
DUNNING_GROUPS = "account_dunning_fr.group_dunning_user"
MANAGER_GROUP = "account_dunning_fr.group_dunning_manager"


def is_dunning_manager(env):
    """The system (scheduled actions, decisions of the engine) or a dunning manager."""
    return env.su or env.user.has_group(MANAGER_GROUP)


def check_dunning_manager(env, message):
    """Refuse with ``message`` (already translated) unless the user is a dunning manager."""
    if not is_dunning_manager(env):
        raise AccessError(message)
