# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Internal notes in the chatter, posted in batch."""


def post_notes(env, notes):
    """Post internal notes, one ``mail.message`` create for all of them.

    :param notes: iterable of (model, record id, record name, body as Markup).

    Notes are never emailed, so the author, sender, reply-to and record name that
    ``mail.message`` would otherwise look up one message at a time are given here."""
    subtype = env.ref("mail.mt_note")
    author = env.user.partner_id
    email_from = author.email_formatted or env.company.email_formatted or False
    return (
        env["mail.message"]
        .sudo()
        .create(
            [
                {
                    "model": model,
                    "res_id": res_id,
                    "record_name": record_name,
                    "body": body,
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "author_id": author.id,
                    "email_from": email_from,
                    "reply_to": email_from,
                }
                for model, res_id, record_name, body in notes
            ]
        )
    )
