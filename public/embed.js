/*!
 * Threadline chat embed.
 *   <script src="https://YOUR-THREADLINE-HOST/embed.js" async></script>
 * Adds a chat launcher to the page and opens the Threadline widget
 * (https://YOUR-THREADLINE-HOST/embed) in an iframe. Optional attributes:
 *   data-open="true"        start with the chat open
 *   data-color="#4f46e5"    launcher colour
 * Also exposes window.Threadline.open() / close() / toggle().
 */
(function () {
  "use strict";
  if (window.Threadline && window.Threadline.__loaded) return;

  var script =
    document.currentScript ||
    (function () {
      var all = document.querySelectorAll('script[src*="embed.js"]');
      return all[all.length - 1] || null;
    })();
  if (!script || !script.src) return;
  var origin = new URL(script.src, window.location.href).origin;
  var startOpen = script.getAttribute("data-open") === "true";
  var color = script.getAttribute("data-color") || "#4f46e5";

  // Keep in sync with components/chat/embed-protocol.ts
  var MSG_OPEN = "threadline:open";
  var MSG_CLOSE = "threadline:close";

  var CHAT_ICON =
    '<svg viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.4A8 8 0 1 1 21 12Z"/></svg>';
  var CLOSE_ICON =
    '<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6 6 18"/></svg>';

  var CSS =
    "#threadline-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:9999px;" +
    "display:inline-flex;align-items:center;justify-content:center;color:#fff;cursor:pointer;padding:0;margin:0;" +
    "box-shadow:0 10px 25px -5px rgba(30,27,75,.35);transition:transform .15s ease}" +
    "#threadline-launcher:hover{transform:scale(1.05)}" +
    "#threadline-launcher:focus{outline:none}" +
    "#threadline-launcher:focus-visible{outline:3px solid #4f46e5;outline-offset:3px;box-shadow:0 0 0 2px #fff}" +
    "#threadline-frame{position:fixed;right:20px;bottom:88px;z-index:2147483001;width:400px;height:min(640px,calc(100vh - 112px));" +
    "border:0;border-radius:16px;background:transparent;color-scheme:normal;box-shadow:0 25px 50px -12px rgba(15,23,42,.35);display:none}" +
    "#threadline-frame[data-open=true]{display:block}" +
    "@media (max-width:639px){#threadline-frame{inset:0;width:100%;height:100%;border-radius:0;box-shadow:none}" +
    "#threadline-launcher[aria-expanded=true]{display:none}}" +
    "@media (prefers-reduced-motion:reduce){#threadline-launcher{transition:none}}";

  var launcher, frame, isOpen = false;

  function setOpen(open, moveFocus) {
    isOpen = open;
    frame.setAttribute("data-open", open ? "true" : "false");
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    launcher.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
    if (open) {
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: MSG_OPEN }, origin);
      if (moveFocus) frame.focus();
    } else if (moveFocus) {
      launcher.focus();
    }
  }

  function mount() {
    if (document.getElementById("threadline-launcher")) return;
    var style = document.createElement("style");
    style.id = "threadline-embed-style";
    style.textContent = CSS;
    document.head.appendChild(style);

    frame = document.createElement("iframe");
    frame.id = "threadline-frame";
    frame.src = origin + "/embed";
    frame.title = "Threadline chat";
    frame.setAttribute("data-testid", "threadline-frame");
    frame.setAttribute("allow", "clipboard-write");
    frame.setAttribute("allowtransparency", "true");
    frame.setAttribute("data-open", "false");

    launcher = document.createElement("button");
    launcher.id = "threadline-launcher";
    launcher.type = "button";
    launcher.setAttribute("data-testid", "threadline-launcher");
    launcher.setAttribute("aria-controls", "threadline-frame");
    launcher.style.background = color;
    launcher.addEventListener("click", function () {
      setOpen(!isOpen, true);
    });

    document.body.appendChild(frame);
    document.body.appendChild(launcher);
    setOpen(startOpen, false);

    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (data && data.type === MSG_CLOSE) setOpen(false, true);
    });
  }

  window.Threadline = {
    __loaded: true,
    open: function () { if (frame) setOpen(true, true); },
    close: function () { if (frame) setOpen(false, true); },
    toggle: function () { if (frame) setOpen(!isOpen, true); },
  };

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
