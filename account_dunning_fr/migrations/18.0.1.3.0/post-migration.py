# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Sent communications are sealed in a trail (a hash of what each one sent, chained to the
previous one of its company). Those sent before are sealed now, in the order they were sent,
as they stand: the trail guarantees that nothing changes from the update on, and Check
Integrity then covers every communication that went out."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    comms = env["account.dunning.communication"].search(
        [
            ("inalterable_hash", "=", False),
            ("sent_date", "!=", False),
            ("state", "in", ("sent", "cancelled")),
        ],
        order="sent_date, id",
    )
    comms.filtered(
        lambda comm: comm.channel != "email" or comm.email_status == "sent"
    )._seal_evidence()
