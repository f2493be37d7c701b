# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""The four shipped email templates, one per tone and 93-100 % identical, became one
(``mail_template_dunning``) whose subject and paragraphs follow the communication's tone. The
update has created it; the levels that used one of the four now use it, and the four go. They
are ``noupdate`` records: the update alone would never remove them. One a user edited since it
was installed is the user's own now: it stays, and so do the levels that use it."""

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

OLD_TEMPLATES = (
    "mail_template_dunning_courtesy",
    "mail_template_dunning_reminder",
    "mail_template_dunning_firm",
    "mail_template_dunning_formal_notice",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("account_dunning_fr.mail_template_dunning", raise_if_not_found=False)
    old = env["mail.template"]
    for name in OLD_TEMPLATES:
        old |= env.ref(f"account_dunning_fr.{name}", raise_if_not_found=False) or old.browse()
    if not template or not old:
        return
    edited = old.filtered(
        lambda tmpl: tmpl.write_date
        and tmpl.create_date
        and tmpl.write_date - tmpl.create_date > timedelta(minutes=1)
    )
    for tmpl in edited:
        _logger.info("Dunning email template %s was edited: kept, with its levels", tmpl.name)
    shipped = old - edited
    levels = env["account.dunning.level"].search([("mail_template_id", "in", shipped.ids)])
    levels.write({"mail_template_id": template.id})
    shipped.unlink()
