// Prettier settings of the OCA repositories for Odoo 18 (oca-addons-repo-template), with the XML
// plugin looked up in .local/node, where bin/_lib.sh installs the versions pinned in package.json.
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
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
