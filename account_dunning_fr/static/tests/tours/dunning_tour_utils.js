/** @odoo-module */

/**
 * Steps shared by the tours of account_dunning_fr: the French credit manager's way through the
 * Invoicing app ("Facturation") and its menus. Every step checks the French label it clicks.
 */
export const dunningSteps = {
    /** Open the Invoicing app from the apps menu. */
    openInvoicingApp() {
        return [
            {
                content: "Open the apps menu",
                trigger: ".o_navbar_apps_menu button:enabled",
                run: "click",
            },
            {
                content: "Open the Invoicing app (Facturation)",
                trigger: '.o_app[data-menu-xmlid="account.menu_finance"]:contains("Facturation")',
                run: "click",
            },
            {
                content: "The Invoicing app is open",
                trigger: '.o_menu_brand:contains("Facturation")',
            },
        ];
    },

    /**
     * Open a menu of the app's top bar: the section (e.g. Clients), the group of the menu (e.g.
     * Recouvrement), then the menu itself, and wait for its action (its breadcrumb).
     */
    openMenu({ section, sectionLabel, group, menu, menuLabel, breadcrumb = menuLabel }) {
        const steps = [
            {
                content: `Open the section ${sectionLabel}`,
                trigger: `.o_menu_sections button[data-menu-xmlid="${section}"]:contains("${sectionLabel}")`,
                run: "click",
            },
        ];
        if (group) {
            steps.push({
                content: `The section holds the group ${group}`,
                trigger: `.o-dropdown--menu .dropdown-header:contains("${group}")`,
            });
        }
        steps.push(
            {
                content: `Open the menu ${menuLabel}`,
                trigger: `.o-dropdown--menu .dropdown-item[data-menu-xmlid="${menu}"]:contains("${menuLabel}")`,
                run: "click",
            },
            dunningSteps.breadcrumb(breadcrumb)
        );
        return steps;
    },

    /** A menu of Clients > Recouvrement. */
    openDunningMenu(menu, menuLabel, breadcrumb = menuLabel) {
        return dunningSteps.openMenu({
            section: "account.menu_finance_receivables",
            sectionLabel: "Clients",
            group: "Recouvrement",
            menu: `account_dunning_fr.${menu}`,
            menuLabel,
            breadcrumb,
        });
    },

    /** A menu of Configuration > Recouvrement. */
    openDunningConfigMenu(menu, menuLabel, breadcrumb = menuLabel) {
        return dunningSteps.openMenu({
            section: "account.menu_finance_configuration",
            sectionLabel: "Configuration",
            group: "Recouvrement",
            menu: `account_dunning_fr.${menu}`,
            menuLabel,
            breadcrumb,
        });
    },

    breadcrumb(label) {
        return {
            content: `The screen ${label} is shown`,
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains("${label}")`,
        };
    },

    /** A check that the cells of ``selector`` all read as French dates (31/12/2026). */
    frenchDates(selector, content) {
        return {
            content,
            trigger: selector,
            run() {
                const cells = [...document.querySelectorAll(selector)];
                const wrong = cells.filter((cell) => !/^\d{2}\/\d{2}\/\d{4}$/.test(cell.innerText.trim()));
                if (!cells.length || wrong.length) {
                    throw new Error(
                        `Dates not in the French format: ${wrong.map((c) => c.innerText).join(", ")}`
                    );
                }
            },
        };
    },
};
