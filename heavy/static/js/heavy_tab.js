// Gives this browser tab an identity that survives reconnects and reloads of the tab (and nothing
// else: sessionStorage is per tab), and adds it to ReactPy's stream URL so the server can recover
// the tab's UI state. Loaded in <head> before the ReactPy client, which opens the websocket.
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
        tabId = window.sessionStorage.getItem(STORAGE_KEY);
        if (!tabId) {
            tabId = newTabId();
            window.sessionStorage.setItem(STORAGE_KEY, tabId);
        }
    } catch (error) {
        return; // storage disabled: the page works, its state is simply not recovered
    }

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
