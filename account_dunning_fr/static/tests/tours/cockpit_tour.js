/** @odoo-module */

import { registry } from "@web/core/registry";
import { dunningSteps } from "@account_dunning_fr/../tests/tours/dunning_tour_utils";

const ITEMS = ".o_field_widget[name=line_ids] .o_data_row";
const CALL_ROW =
    '.o_data_row:has(td[name=partner_id]:contains("Garage Moreau")):has(td[name=kind]:contains("Appel à passer"))';

/**
 * The credit manager's cockpit, in French: Garage Moreau's follow-up screen from its form (its
 * open items, their ageing, a call logged), the aged balance, the dashboard, then My Collections
 * Today (both default filters, the follow-up opened from a row, the call marked done).
 */
registry.category("web_tour.tours").add("account_dunning_fr_tour_cockpit", {
    url: "/odoo",
    steps: () => [
        ...dunningSteps.openInvoicingApp(),
        ...dunningSteps.openMenu({
            section: "account.menu_finance_receivables",
            sectionLabel: "Clients",
            menu: "account.menu_account_customer",
            menuLabel: "Clients",
        }),
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Garage Moreau",
        },
        {
            content: "The search offers to look for the name",
            trigger: ".o_searchview_autocomplete .o_menu_item",
        },
        {
            content: "Search it",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: '.o_kanban_record:contains("Garage Moreau")',
            run: "click",
        },
        dunningSteps.breadcrumb("Garage Moreau"),
        {
            content: "Open its follow-up (Suivi) from the smart button",
            trigger: '.oe_stat_button[name=action_dunning_followup]:contains("Suivi")',
            run: "click",
        },
        dunningSteps.breadcrumb("Suivi de Garage Moreau"),
        {
            content: "The invoice 35 days late is listed as a Facture",
            trigger: `${ITEMS}:has(td[name=kind]:contains("Facture")):has(td[name=days_overdue]:contains("35")):has(td[name=amount]:contains("876,40"))`,
        },
        dunningSteps.frenchDates(`${ITEMS} td[name=date_due]`, "The due dates read as French dates"),
        {
            content: "The columns are labelled in French",
            trigger: '.o_field_widget[name=line_ids] th:contains("Jours de retard") ~ th:contains("Niveau")',
        },
        {
            content: "The totals by age, in French",
            trigger: '.o_dunning_followup_buckets:contains("Non échu"):contains("31 à 60 jours")',
        },
        {
            content: "Log a call (Noter un appel)",
            trigger: '.o_form_view .o_statusbar_buttons button[name=action_log_call]:contains("Noter un appel")',
            run: "click",
        },
        {
            content: "The call's dialog, in French",
            trigger: '.modal .modal-title:contains("Noter un appel")',
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Rappeler vendredi, le comptable est absent",
        },
        {
            content: "Log it",
            trigger: '.modal button[name=action_confirm]:contains("Enregistrer l\'appel")',
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the Appels tab",
            trigger: '.o_notebook_headers a.nav-link:contains("Appels")',
            run: "click",
        },
        {
            content: "The call logged is in the history",
            trigger: '.o_field_widget[name=call_ids] .o_data_row:contains("Rappeler vendredi")',
        },
        // the aged balance
        {
            content: "Open the section Clients",
            trigger: '.o_menu_sections button[data-menu-xmlid="account.menu_finance_receivables"]:contains("Clients")',
            run: "click",
        },
        {
            content: "Open the menu Balance âgée",
            trigger: '.o-dropdown--menu .dropdown-item[data-menu-xmlid="account_dunning_fr.menu_account_dunning_aged_balance"]:contains("Balance âgée")',
            run: "click",
        },
        {
            content: "The aged balance asks for its date",
            trigger: '.modal .modal-title:contains("Balance âgée")',
        },
        {
            content: "Show it",
            trigger: '.modal button[name=action_view]:contains("Afficher")',
            run: "click",
        },
        {
            content: "The pivot of the customers by age shows Garage Moreau",
            trigger: '.o_pivot:contains("Garage Moreau"):contains("31 à 60 jours")',
        },
        // the dashboard
        ...dunningSteps.openMenu({
            section: "account.menu_finance_receivables",
            sectionLabel: "Clients",
            group: "Recouvrement",
            menu: "account_dunning_fr.menu_account_dunning_dashboard",
            menuLabel: "Tableau de bord",
            breadcrumb: "Tableau de bord du recouvrement",
        }),
        {
            content: "The dashboard states the DSO in French",
            trigger: '.o_form_view .o_stat_text:contains("Délai moyen de paiement")',
        },
        // the worklist
        ...dunningSteps.openDunningMenu("menu_account_dunning_worklist", "Mes recouvrements du jour"),
        {
            content: "Filtered on my collections...",
            trigger: '.o_searchview_facet:contains("Mes recouvrements"):not(:contains("Échu"))',
        },
        {
            content: "... and on the work due today or late: both, not either",
            trigger: '.o_searchview_facet:contains("Échu aujourd\'hui ou en retard"):not(:contains("Mes recouvrements"))',
        },
        {
            content: "Open Garage Moreau's follow-up from the call's row",
            trigger: `${CALL_ROW} button[name=action_open_followup]`,
            run: "click",
        },
        dunningSteps.breadcrumb("Suivi de Garage Moreau"),
        {
            content: "Back to the worklist",
            trigger: '.o_breadcrumb a:contains("Mes recouvrements du jour")',
            run: "click",
        },
        {
            content: "Mark the call done from its row",
            trigger: `${CALL_ROW} button[name=action_mark_done]`,
            run: "click",
        },
        {
            content: "The worklist says what was done, in French",
            trigger: '.o_notification:contains("1 activité(s) marquée(s) comme faite(s)")',
        },
        {
            content: "The call has left the worklist",
            trigger: `.o_list_renderer:not(:has(${CALL_ROW}))`,
        },
    ],
});
