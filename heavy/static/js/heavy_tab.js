// Gives this browser tab an identity that survives reconnects and reloads of the tab (and nothing
// else: sessionStorage is per tab), and adds it to ReactPy's stream URL so the server can recover
// the tab's UI state. Loaded in <head> before the ReactPy client, which opens the websocket.
//
// A copy of a tab ("Duplicate tab", or window.open from the page) starts with a copy of its
// sessionStorage, and so would share the id and fight the original over one saved state. So the
// id is in sessionStorage only while no page of the tab is open: it is taken out as the page loads
// and written back on pagehide, which comes before a reload, a navigation away and bfcache alike.
// A copy made meanwhile finds no id and makes its own. (A tab that crashes gets no pagehide; its
// next page starts fresh.)
(function () {
    "use strict";
    var STORAGE_KEY = "heavy.tab_id";
    var PARAMETER = "heavy_tab";
    var STREAM_PATH = "/_reactpy/stream";

    function newTabId() {
        var bytes = new Uint8Array(24);
        window.crypto.getRandomValues(bytes); // works on plain http too, unlike randomUUID()
        return btoa(String.fromCharCode.apply(null, bytes))
            .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }

    var tabId;
    try {
        tabId = window.sessionStorage.getItem(STORAGE_KEY) || newTabId();
        window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (error) {
        return; // storage disabled: the page works, its state is simply not recovered
    }
    window.addEventListener("pagehide", function () {
        try {
            window.sessionStorage.setItem(STORAGE_KEY, tabId); // for the reload, or the way back
        } catch (error) { /* storage full or gone: the next page starts fresh */ }
    });
    window.addEventListener("pageshow", function (event) {
        if (event.persisted) { // back from the bfcache: open again, so out of storage again
            try { window.sessionStorage.removeItem(STORAGE_KEY); } catch (error) { /* as above */ }
        }
    });

    var NativeWebSocket = window.WebSocket;
    function TabWebSocket(url, protocols) {
        var target = new URL(url, window.location.href);
        if (target.pathname.indexOf(STREAM_PATH) === 0) {
            target.searchParams.set(PARAMETER, tabId);
        }
        return protocols === undefined
            ? new NativeWebSocket(target.toString())
            : new NativeWebSocket(target.toString(), protocols);
    }
    TabWebSocket.prototype = NativeWebSocket.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
        TabWebSocket[name] = NativeWebSocket[name];
    });
    window.WebSocket = TabWebSocket;
})();
