// Starts Brython when the page has loaded, with the options on this script's data attributes.
// Brython starts itself on load unless <body> has an onload handler; setting one that calls
// brython(options) is its documented way to pass options. Loaded before brython.js (see
// heavy_stack/frontend/brython_assets.py), so this listener is in place when the page parses.
(function () {
    "use strict";
    const script = document.currentScript;
    const options = {
        pythonpath: [script.dataset.pythonpath],
        debug: Number(script.dataset.debug || "0"),
    };
    document.addEventListener("DOMContentLoaded", function () {
        document.body.onload = function () {
            brython(options);
        };
    });
})();
