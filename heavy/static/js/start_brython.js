// Loads Brython when the page first needs it, then starts it with the options on this script's
// data attributes (heavy/ui/brython_assets.py writes them).
//
// Brython's files are large (~6 MB, and parsing them keeps the browser busy for a while), so
// they are fetched only when the first <script type="text/python"> appears (the first
// brython_executor.call), once the browser has painted what it was rendering: a page that
// never calls Brython never loads it, and the first render never waits for it. Added with
// async = false the files still run in order; when the last has loaded, brython(options)
// starts Brython (it has missed the DOMContentLoaded event it would otherwise start itself
// from) and runs every Python script on the page; Brython runs the later ones as they come.
(function () {
    "use strict";
    const data = document.currentScript.dataset;
    const options = {
        pythonpath: [data.pythonpath],
        debug: Number(data.debug || "0"),
    };
    const sources = data.scripts.split(" ");
    const PYTHON_SCRIPT = 'script[type="text/python"]';

    function loadBrython() {
        let script = null;
        for (const source of sources) {
            script = document.createElement("script");
            script.src = source;
            script.async = false;
            document.head.appendChild(script);
        }
        script.addEventListener("load", function () {
            brython(options);
        });
    }

    function loadWhenIdle() {
        if ("requestIdleCallback" in window) {
            window.requestIdleCallback(loadBrython, { timeout: 200 });
        } else {
            window.setTimeout(loadBrython, 0);
        }
    }

    function addsPythonScript(node) {
        return node.nodeType === Node.ELEMENT_NODE && (node.matches(PYTHON_SCRIPT) || node.querySelector(PYTHON_SCRIPT) !== null);
    }

    document.addEventListener("DOMContentLoaded", function () {
        if (document.querySelector(PYTHON_SCRIPT) !== null) {
            loadWhenIdle();
            return;
        }
        const observer = new MutationObserver(function (mutations) {
            for (const mutation of mutations) {
                for (const node of mutation.addedNodes) {
                    if (addsPythonScript(node)) {
                        observer.disconnect();
                        loadWhenIdle();
                        return;
                    }
                }
            }
        });
        observer.observe(document.documentElement, { childList: true, subtree: true });
    });
})();
