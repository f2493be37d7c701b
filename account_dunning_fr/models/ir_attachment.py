# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import base64

from odoo import api, models
from odoo.exceptions import UserError

from .account_dunning_communication import EVIDENCE_STATES

COMMUNICATION = "account.dunning.communication"
# What an attachment holds and what it belongs to.
CONTENT_FIELDS = ("raw", "datas", "db_datas")
LINK_FIELDS = ("res_model", "res_id", "res_field")


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        if any(field in vals for field in CONTENT_FIELDS + LINK_FIELDS):
            evidence = self._dunning_get_evidence()
            if evidence and evidence._dunning_changed_by(vals):
                raise UserError(evidence._dunning_evidence_error())
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_dunning_evidence(self):
        evidence = self._dunning_get_evidence()
        if evidence:
            raise UserError(evidence._dunning_evidence_error())

    def _dunning_get_evidence(self):
        """The attachments of ``self`` that belong to communications validated or sent."""
        attachments = self.sudo().filtered(lambda att: att.res_model == COMMUNICATION)
        if not attachments:
            return attachments
        comms = self.env[COMMUNICATION].sudo().browse(set(attachments.mapped("res_id"))).exists()
        frozen = set(comms.filtered(lambda comm: comm.state in EVIDENCE_STATES).ids)
        return attachments.filtered(lambda att: att.res_id in frozen)

    def _dunning_changed_by(self, vals):
        """Whether writing ``vals`` changes the content or the owner of an attachment of
        ``self`` (moving the storage rewrites the same bytes: not a change)."""
        for field in LINK_FIELDS:
            if field in vals and any(att[field] != vals[field] for att in self):
                return True
        if not any(field in vals for field in CONTENT_FIELDS):
            return False
        if "raw" in vals or "db_datas" in vals:
            new = vals.get("raw", vals.get("db_datas")) or b""
            new = new.encode() if isinstance(new, str) else new
        else:
            new = base64.b64decode(vals["datas"] or b"")
        return any((att.raw or b"") != new for att in self)

    def _dunning_evidence_error(self):
        comms = self.env[COMMUNICATION].sudo().browse(set(self.mapped("res_id")))
        return self.env._(
            "%(names)s: the document of a validated or sent communication is evidence; it "
            "cannot be changed or deleted.",
            names=", ".join(comms.mapped("name")),
        )
