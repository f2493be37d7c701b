/** @odoo-module */

import { registry } from "@web/core/registry";
import { dunningSteps } from "@account_dunning_fr/../tests/tours/dunning_tour_utils";

const LEVELS = ".o_field_widget[name=level_ids]";
const COURTESY_ROW = `${LEVELS} .o_data_row:has(td[name=name]:contains("Relance de courtoisie"))`;
const NOTICE_ROW = `${LEVELS} .o_data_row:has(td[name=name]:contains("Mise en demeure"))`;

/**
 * Configuration > Recouvrement > Politiques de relance: the default policy "Relance standard",
 * its levels (delay, channel, email template, credit hold), a level opened in its form (delay,
 * channel, deadline, wording); the levels and the legal wording from their menus.
 */
registry.category("web_tour.tours").add("account_dunning_fr_tour_configuration", {
    url: "/odoo",
    steps: () => [
        ...dunningSteps.openInvoicingApp(),
        ...dunningSteps.openDunningConfigMenu("menu_account_dunning_policy", "Politiques de relance"),
        {
            content: "The default policy is listed, marked as default",
            trigger:
                '.o_data_row:has(td[name=name]:contains("Relance standard")) td[name=is_default] input:checked',
        },
        {
            content: "Open the default policy",
            trigger: '.o_data_row td[name=name]:contains("Relance standard")',
            run: "click",
        },
        {
            content: "The policy form shows its name",
            trigger: '.o_form_view .o_field_widget[name=name] input:value("Relance standard")',
        },
        {
            content: "The levels tab is labelled Niveaux",
            trigger: '.o_notebook_headers a.nav-link[name=levels]:contains("Niveaux")',
        },
        {
            content: "The six levels of the default policy",
            trigger: `${LEVELS} .o_data_row`,
            run() {
                const names = [...document.querySelectorAll(`${LEVELS} .o_data_row td[name=name]`)].map(
                    (cell) => cell.innerText.trim()
                );
                const expected = [
                    "Relance de courtoisie",
                    "Première relance",
                    "Deuxième relance",
                    "Appel téléphonique",
                    "Mise en demeure",
                    "Transmission au contentieux",
                ];
                if (JSON.stringify(names) !== JSON.stringify(expected)) {
                    throw new Error(`Levels: ${names.join(", ")}`);
                }
            },
        },
        {
            content: "The level columns are labelled in French",
            trigger: `${LEVELS} th:contains("Délai (jours)")`,
        },
        {
            content: "The courtesy reminder: 5 days before the due date, by email",
            trigger: `${COURTESY_ROW}:has(td[name=delay_days]:contains("-5")):has(td[name=channel]:contains("E-mail"))`,
        },
        {
            content: "The courtesy reminder's wording: its email template",
            trigger: `${COURTESY_ROW} td[name=mail_template_id]:contains("Recouvrement : relance")`,
        },
        {
            content: "The formal notice: 45 days after the due date, putting the customer on hold",
            trigger: `${NOTICE_ROW}:has(td[name=delay_days]:contains("45")):has(td[name=channel]:contains("Mise en demeure")) td[name=credit_hold] input:checked`,
        },
        {
            content: "Open the formal notice level",
            trigger: `${NOTICE_ROW} td[name=delay_days]`,
            run: "click",
        },
        {
            content: "The level opens in its form: its delay",
            trigger: '.modal .o_form_view .o_field_widget[name=delay_days] input:value("45")',
        },
        {
            content: "The level form: its channel",
            trigger: ".modal .o_form_view .o_field_widget[name=channel] select",
            run() {
                const select = document.querySelector(".modal .o_form_view .o_field_widget[name=channel] select");
                const label = select.selectedOptions[0].innerText.trim();
                if (label !== "Mise en demeure (lettre recommandée)") {
                    throw new Error(`Channel of the formal notice level: ${label}`);
                }
            },
        },
        {
            content: "The level form: its deadline to pay",
            trigger: '.modal .o_form_view label:contains("Délai de paiement (jours)")',
        },
        {
            content: "The level form: its wording tab",
            trigger: '.modal .o_notebook_headers a.nav-link[name=wording]:contains("Rédaction")',
            run: "click",
        },
        {
            content: "The wording of the formal notice, in French",
            trigger: ".modal .o_field_widget[name=letter_closing] textarea",
            run() {
                const text = document.querySelector(".modal .o_field_widget[name=letter_closing] textarea").value;
                if (!text.includes("vaut mise en demeure")) {
                    throw new Error(`Closing paragraph of the formal notice: ${text}`);
                }
            },
        },
        {
            content: "Close the level without changing it",
            trigger: ".modal .o_form_button_cancel",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal .o_form_view))",
        },
        {
            content: "Back to the policies",
            trigger: '.o_breadcrumb a:contains("Politiques de relance")',
            run: "click",
        },
        dunningSteps.breadcrumb("Politiques de relance"),
        ...dunningSteps.openDunningConfigMenu("menu_account_dunning_level", "Niveaux de relance"),
        {
            content: "The levels of both shipped policies, grouped by policy",
            trigger: '.o_group_name:contains("Relance des particuliers")',
        },
        // the company's form: its breadcrumb is the company's name (the only one: the menu opens it)
        ...dunningSteps
            .openDunningConfigMenu("menu_account_dunning_wording", "Mentions légales")
            .slice(0, -1),
        {
            content: "The legal wording opens on the company's own form",
            trigger: '.o_control_panel .o_breadcrumb:contains("Atelier Dupont")',
        },
        {
            content: "The company's legal wording for consumers",
            trigger: '.o_form_view label:contains("Fondement juridique (consommateurs)")',
        },
    ],
});
