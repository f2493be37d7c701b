# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""An invoice's dispute had two free texts, a comment and a note: the note alone stays. Where
the comment was filled, it becomes the first line of the note, nothing is lost. (The column
of the comment is dropped by the update, once its field is gone.)"""


def migrate(cr, version):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'account_move' AND column_name = 'dunning_dispute_reason'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """UPDATE account_move
              SET dunning_dispute_note = CASE
                      WHEN COALESCE(dunning_dispute_note, '') = '' THEN dunning_dispute_reason
                      ELSE dunning_dispute_reason || E'\\n' || dunning_dispute_note
                  END
            WHERE COALESCE(dunning_dispute_reason, '') != ''
              AND POSITION(dunning_dispute_reason IN COALESCE(dunning_dispute_note, '')) = 0"""
    )
