// DEV only: `heavy dev` adds this to <head>. When a stylesheet under static/ is saved, the server
// says so on a server-sent-events stream, and this swaps the matching <link> for one that loads the
// new file: the page restyles without a reload, so its state and scroll position stay. The old
// <link> goes once the new one has loaded, so the page never shows unstyled in between.
(function () {
    "use strict";
    var EVENTS_PATH = "/_heavy/dev/stylesheets";

    function swapStylesheet(changedPath) {
        var links = document.querySelectorAll('link[rel="stylesheet"]');
        Array.prototype.forEach.call(links, function (link) {
            var url = new URL(link.href, window.location.href);
            if (url.pathname !== changedPath || link.dataset.heavyReplaced) {
                return;
            }
            url.searchParams.set("heavy_reload", String(Date.now()));
            var replacement = link.cloneNode();
            replacement.href = url.toString();
            link.dataset.heavyReplaced = "true";
            replacement.addEventListener("load", function () {
                link.remove();
            });
            replacement.addEventListener("error", function () {
                replacement.remove(); // keep the styles the page has
                delete link.dataset.heavyReplaced;
            });
            link.after(replacement);
        });
    }

    var events = new EventSource(EVENTS_PATH);
    events.addEventListener("stylesheet", function (event) {
        swapStylesheet(new URL(event.data, window.location.href).pathname);
    });
})();
