# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""What a button acting on a selection tells the user it did."""


def done_notification(env, message, title=None, type_="success", close=False):
    """The client action that shows ``message`` (what the button did, with its counts), then
    reloads the view (``close``: closes the dialog, and the view behind reloads)."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": type_,
            "title": title or env._("Dunning"),
            "message": message,
            "sticky": False,
            "next": {"type": "ir.actions.act_window_close"}
            if close
            else {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
