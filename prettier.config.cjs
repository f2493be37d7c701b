// Prettier settings of the OCA repositories for Odoo 18 (oca-addons-repo-template), with the XML
// plugin looked up in .local/node, where bin/_lib.sh installs the versions pinned in package.json.
// One difference: xmlWhitespaceSensitivity "strict" (OCA's before 18.0) instead of "preserve",
// which adds and removes whitespace between elements: in a QWeb paragraph that changes the
// translation terms (msgid) of its inline elements, and the French documents would lose them.
// "strict" leaves every text and whitespace node as it is (the parsed XML is the same).
/** @type {import('prettier').Config} */

const path = require("path");

const config = {
    plugins: [
        require.resolve("@prettier/plugin-xml", {
            paths: [path.join(__dirname, ".local", "node")],
        }),
    ],
    bracketSpacing: false,
    printWidth: 88,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "strict",
};

module.exports = config;
