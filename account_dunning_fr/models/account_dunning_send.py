# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import logging
from collections import defaultdict

from lxml import html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, safe_eval
from odoo.tools import groupby as tools_groupby

from .account_dunning_level import PAPER_CHANNELS
from .dunning_documents import ensure_portal_tokens

_logger = logging.getLogger(__name__)

# Activity type of the collector's task, per channel of the level.
ACTIVITY_TYPES = {
    "phone": "mail.mail_activity_data_call",
    "litigation": "mail.mail_activity_data_todo",
}


class AccountDunningSend(models.AbstractModel):
    """The one place that sends dunning communications, as core's ``account.move.send`` does
    for invoices, in batch: the PDF of each communication, its email, the collector's
    activities, then the state that sending leaves (queued, sent or failed with the reason).

    What a communication is and may become (its evidence, its transitions, what its sending
    records on the invoices) stays on ``account.dunning.communication``; the mail queue's
    outcome is recorded by the hooks of ``mail.mail`` (``_process_email_outcome``). Called by
    the validation, the retry and the scheduled action (``_send_communications``)."""

    _name = "account.dunning.send"
    _description = "Dunning Communication Sending"

    @api.model
    def _send_communications(self, communications):
        """Send ``communications`` in the company of each: what sending decides for the
        customer (the credit hold of a level) is decided for that company."""
        Run = self.env["account.dunning.run"]
        for company, comms in communications.grouped("company_id").items():
            context = Run._get_scheduled_context(company)
            self.with_company(company).with_context(**context)._send_batch(
                comms.with_company(company).with_context(**context)
            )

    @api.model
    def _send_batch(self, comms):
        """Send the communications in state 'to send', by channel, in batch.

        Emails go to Odoo's mail queue with the level's PDF attached; letters and formal
        notices get their PDF stored and wait to be printed and posted; phone calls and
        hand-overs become activities for the collector."""
        comms = comms.filtered(lambda comm: comm.state == "to_send")._hold_incomplete()
        if not comms:
            return
        # Another transaction sending the same communications keeps them: never send twice.
        comms.flush_model(["state"])
        locked = self.env.execute_query(
            SQL(
                """
                SELECT id FROM account_dunning_communication
                 WHERE id = ANY(%s) AND state = 'to_send'
                   FOR UPDATE SKIP LOCKED
                """,
                comms.ids,
            )
        )
        comms = comms.browse([comm_id for (comm_id,) in locked])._drop_closed_invoices()
        for comm_id, problem in comms._get_sending_problems().items():
            comms.browse(comm_id).write({"state": "failed", "failure_reason": problem})
        comms = comms.filtered(lambda comm: comm.state == "to_send")
        self._render_documents(comms.filtered(lambda comm: comm.channel != "phone"))
        comms = comms.filtered(lambda comm: comm.state == "to_send")  # rendering may fail
        emails = comms.filtered(lambda comm: comm.channel == "email")
        copies = comms.filtered(
            lambda comm: comm.channel in PAPER_CHANNELS
            and comm.level_id.email_copy
            and comm.recipient_id.email
        )
        self._send_emails(emails | copies)
        # An email is evidence once the mail queue has sent it (mail.mail.send): queued till then.
        queued = emails.filtered(lambda comm: comm.state == "to_send")._as_system()
        # who sent it: the first sender (a retry after a bounce keeps the sealed sending)
        queued.filtered(lambda comm: not comm.sent_uid).write(
            {"state": "queued", "sent_uid": self.env.uid}
        )
        queued.filtered("sent_uid").write({"state": "queued"})
        tasks = comms.filtered(lambda comm: comm.channel in ACTIVITY_TYPES)
        self._schedule_activities(tasks)
        tasks._mark_sent()

    # ---------------------------------------------------------------------------------------
    # PDF
    # ---------------------------------------------------------------------------------------

    @api.model
    def _render_documents(self, comms):
        """Render the level's PDF of each communication, one wkhtmltopdf call per report. When
        that call fails, the communications are rendered one by one: only those whose document
        fails are marked failed, with the reason; the others' documents are produced."""
        todo = comms.filtered(lambda comm: comm.level_id.report_id and not comm.attachment_id)
        vals_list = []
        failures = defaultdict(list)  # {reason: communication ids}
        for report, group in todo.grouped(lambda comm: comm.level_id.report_id).items():
            streams, errors = self._try_render_report_streams(group, report)
            if errors and len(group) > 1:
                streams, errors = {}, {}
                for comm in group:
                    comm_streams, comm_errors = self._try_render_report_streams(comm, report)
                    streams.update(comm_streams)
                    errors.update(comm_errors)
            for comm_id, reason in errors.items():
                failures[reason].append(comm_id)
            for comm in group:
                if comm.id not in streams:
                    continue
                vals_list.append(
                    {
                        "name": f"{comm.name.replace('/', '-')}.pdf",
                        "raw": streams[comm.id]["stream"].getvalue(),
                        "mimetype": "application/pdf",
                        "res_model": comm._name,
                        "res_id": comm.id,
                    }
                )
        for reason, comm_ids in failures.items():
            comms.browse(comm_ids).write({"state": "failed", "failure_reason": reason})
        attachments = self.env["ir.attachment"].create(vals_list)
        if attachments:  # the document is the system's: linked in one statement for the batch
            comms.flush_model(["attachment_id"])
            self.env.execute_query(
                SQL(
                    """
                    UPDATE account_dunning_communication c
                       SET attachment_id = v.attachment_id
                      FROM unnest(%s::int[], %s::int[]) AS v(comm_id, attachment_id)
                     WHERE c.id = v.comm_id
                    """,
                    attachments.mapped("res_id"),
                    attachments.ids,
                )
            )
            todo.invalidate_recordset(["attachment_id"])

    @api.model
    def _try_render_report_streams(self, comms, report):
        """(PDF stream per communication, {communication id: why it failed}) of one attempt
        to render the communications' documents together."""
        try:
            with self.env.cr.savepoint():
                return self._render_report_streams(comms, report), {}
        except Exception as error:
            _logger.exception("Dunning documents could not be rendered")
            return {}, dict.fromkeys(comms.ids, str(error))

    @api.model
    def _render_report_streams(self, comms, report):
        """PDF stream per communication: one wkhtmltopdf call, split per record."""
        reports = self.env["ir.actions.report"]
        streams = reports._render_qweb_pdf_prepare_streams(
            report.report_name, {}, res_ids=comms.ids
        )
        if set(streams) != set(comms.ids):  # the PDF could not be split: one call each
            streams = {}
            for comm in comms:
                streams.update(
                    reports._render_qweb_pdf_prepare_streams(
                        report.report_name, {}, res_ids=comm.ids
                    )
                )
        return streams

    # ---------------------------------------------------------------------------------------
    # Email
    # ---------------------------------------------------------------------------------------

    @api.model
    def _send_emails(self, comms):
        """Queue the email of each communication: the level's template rendered with the
        communication's own data, sent from the company (or its dunning sender), with the PDF.
        A communication whose email was queued before (a retry) gets the same email again.
        The message recorded on the communication is the system's write."""
        comms = comms._as_system()
        resent = comms.filtered("mail_message_id")
        self._resend_emails(resent)
        comms -= resent
        if any(company.dunning_show_portal_link for company in comms.company_id):
            ensure_portal_tokens(comms.line_ids.move_id)  # the emails link to the portal
        senders = {company: company._dunning_get_email_from() for company in comms.company_id}
        no_sender = comms.filtered(lambda comm: not senders[comm.company_id])
        for company, group in no_sender.grouped("company_id").items():
            group.write(
                {
                    "state": "failed",
                    "failure_reason": self.env._(
                        "The company %(company)s has no email address to send the dunning "
                        "emails from: set its email or its dunning sender.",
                        company=company.name,
                    ),
                }
            )
        for template, group in (
            (comms - no_sender).grouped(lambda comm: comm._get_mail_template()).items()
        ):
            try:
                with self.env.cr.savepoint():
                    subjects = template._render_field("subject", group.ids, compute_lang=True)
                    bodies = self._render_email_bodies(group, template)
            except Exception as error:  # a broken template: shown on each communication
                _logger.exception("Dunning email template %s could not be rendered", template.name)
                reason = self.env._(
                    "The email template %(template)s could not be rendered; correct it, then "
                    "retry.\n%(error)s",
                    template=template.name,
                    error=error,
                )
                group.write({"state": "failed", "failure_reason": reason})
                continue
            for comm in group:
                sender = senders[comm.company_id]
                try:
                    with self.env.cr.savepoint():
                        message = comm.with_context(mail_notify_force_send=False).message_post(
                            body=bodies[comm.id],
                            subject=subjects[comm.id],
                            author_id=comm.company_id.partner_id.id,
                            email_from=sender,
                            reply_to=sender,
                            partner_ids=comm.recipient_id.ids,
                            attachment_ids=comm.attachment_id.ids,
                            message_type="comment",
                            subtype_xmlid="mail.mt_comment",
                            email_layout_xmlid="mail.mail_notification_light",
                        )
                        comm.mail_message_id = message
                except Exception as error:  # shown on the communication, retryable
                    _logger.exception("Dunning email %s could not be queued", comm.name)
                    self.env.invalidate_all()
                    comm.write({"state": "failed", "failure_reason": str(error)})

    @api.model
    def _resend_emails(self, comms):
        """Queue again the email already posted of each communication (a retry): its failed
        mails are cancelled and one new mail of the same message is queued, for the same
        recipient, as Odoo's *Resend* does. An email already delivered is not sent again."""
        if not comms:
            return
        Notification = self.env["mail.notification"].sudo()
        delivered = Notification.search(
            [
                ("mail_message_id", "in", comms.mail_message_id.ids),
                ("notification_type", "=", "email"),
                ("notification_status", "=", "sent"),
            ]
        )
        todo = comms.filtered(
            lambda comm: comm.recipient_id
            not in delivered.filtered(
                lambda notif: notif.mail_message_id == comm.mail_message_id
            ).res_partner_id
        )
        todo._cancel_queued_mails()
        recipients = self.env["mail.followers"]._get_recipient_data(
            None, "comment", False, pids=todo.recipient_id.ids
        )[0]
        for comm in todo:
            data = recipients.get(comm.recipient_id.id)
            if not data:
                continue
            comm._notify_thread_by_email(
                comm.mail_message_id.sudo(),
                [dict(data, notif="email")],
                resend_existing=True,
                force_send=False,
            )

    @api.model
    def _render_email_bodies(self, comms, template):
        """{communication id: body} of ``template``, each with the communication's data in its
        recipient's language: the rendering of ``template._render_field("body_html", ids,
        compute_lang=True)``, with the body compiled once per language.

        ``ir.qweb`` keeps the compiled code of stored views only: ``_render_field`` compiles an
        inline body once per record (most of its time), and the parsed body cannot be given to
        ``_render`` twice, as compiling consumes its directives (``t-out`` and the like are
        popped from the tree, so that a second rendering prints the template's sample values).
        """
        langs = template._render_lang(comms.ids)
        bodies = {}
        for lang, comm_ids in tools_groupby(comms.ids, key=langs.get):
            tmpl = template.with_context(lang=lang) if lang else template
            if not tmpl.body_html:
                bodies.update(dict.fromkeys(comm_ids, ""))
                continue
            qweb = tmpl.env["ir.qweb"]
            element = html.fragment_fromstring(tmpl.body_html, create_parent="div")
            context = tmpl._render_eval_context()
            render = None
            rendered = {}
            for comm in comms.browse(comm_ids).with_env(tmpl.env):
                values = dict(context, object=comm)
                renderer = qweb._prepare_environment(values)
                safe_eval.check_values(values)
                if render is None:  # once per language
                    functions, name = renderer._compile(element)
                    render = functions[name]
                body = Markup("".join(render(renderer, values)))
                rendered[comm.id] = body[5:-6]  # the <div> added for parsing
            bodies.update(tmpl._render_template_postprocess(comms._name, rendered))
        return bodies

    # ---------------------------------------------------------------------------------------
    # Activities
    # ---------------------------------------------------------------------------------------

    @api.model
    def _schedule_activities(self, comms):
        """The collector's task of each phone call or hand-over to litigation, due today, with
        the values core's ``activity_schedule`` gives (automated, on the communication), but
        in one ``create`` for the batch: ``activity_schedule`` takes one summary for all its
        records, and each task names its customer and amount."""
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get(comms._name).id
        types = {channel: self.env.ref(xmlid) for channel, xmlid in ACTIVITY_TYPES.items()}
        vals_list = []
        for comm in comms:
            amount = format_amount(self.env, comm.amount_balance, comm.currency_id)
            if comm.channel == "phone":
                summary = self.env._(
                    "Call %(customer)s: %(amount)s overdue",
                    customer=comm.partner_id.name,
                    amount=amount,
                )
            else:
                summary = self.env._(
                    "Hand %(customer)s over to litigation: %(amount)s",
                    customer=comm.partner_id.name,
                    amount=amount,
                )
            note = Markup("<p>%s</p><p>%s</p>") % (
                self.env._(
                    "Invoices: %(invoices)s", invoices=", ".join(comm.line_ids.mapped("move_name"))
                ),
                comm.level_id.note or "",
            )
            vals_list.append(
                {
                    "activity_type_id": types[comm.channel].id,
                    "summary": summary,
                    "note": note,
                    "automated": True,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": comm.id,
                    "user_id": (comm.collector_id or self.env.user).id,
                }
            )
        self.env["mail.activity"].create(vals_list)
