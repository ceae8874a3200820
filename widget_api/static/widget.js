/*! Comptoir chat widget loader. Embed with:
 *  <script src="https://SUPPORT-HOST/widget.js" defer
 *          data-lang="fr|en" data-color="#0f4c5c" data-position="right|left"
 *          data-user-email="..." data-user-signature="HMAC-SHA256 hex"></script>
 * This file only draws the launcher inside a Shadow DOM and picks the language; the panel
 * (widget-panel.js, from the same host) is loaded the first time the launcher is opened. */
(function (w, d) {
  "use strict";
  var me = d.currentScript || d.querySelector("script[src$='/widget.js']");
  if (!me || w.ComptoirWidget) return;
  var base = new URL(me.src, location.href).origin;
  var query = new URL(me.src, location.href).search;
  var ds = me.dataset;
  var T = {
    fr: { open: "Ouvrir l'aide et le clavardage", close: "Fermer l'aide", failed: "L'aide n'a pas pu se charger. Réessayez plus tard.", unread: " ({n} nouveau message)" },
    en: { open: "Open help and chat", close: "Close help", failed: "Help could not be loaded. Please try again later.", unread: " ({n} new message)" }
  };

  function pick(value) {
    var code = String(value || "").slice(0, 2).toLowerCase();
    return code === "fr" || code === "en" ? code : "";
  }
  function hex(value) {
    var v = String(value || "").trim();
    if (/^#[0-9a-f]{3}$/i.test(v)) v = "#" + v[1] + v[1] + v[2] + v[2] + v[3] + v[3];
    return /^#[0-9a-f]{6}$/i.test(v) ? v.toLowerCase() : "";
  }
  function luminance(color) {
    var n = parseInt(color.slice(1), 16);
    var c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  // Text colour on the store colour: white or near-black, whichever contrasts more.
  function ink(color) {
    var l = luminance(color);
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0611 ? "#ffffff" : "#111827";
  }

  var lang = pick(ds.lang) || pick(d.documentElement.lang) || pick(navigator.language);
  var identity = ds.userEmail && ds.userSignature ? { email: ds.userEmail, signature: ds.userSignature } : null;
  var config = null;
  var panel = null;
  var factory = null;
  var loading = false;
  var isOpen = false;
  var unread = 0;

  var host = d.createElement("comptoir-widget");
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial!important;display:block!important;position:static!important;visibility:visible!important;opacity:1!important;transform:none!important;filter:none!important}" +
    ".cw{font:400 15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1d2327;text-align:left;letter-spacing:normal;-webkit-font-smoothing:antialiased}" +
    ".cw *,.cw *::before,.cw *::after{box-sizing:border-box}[hidden]{display:none!important}" +
    ".launcher{all:unset;box-sizing:border-box;position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;background:var(--c);color:var(--ink);box-shadow:0 6px 22px rgba(15,23,42,.28);cursor:pointer;display:grid;place-items:center;transition:transform .15s ease,box-shadow .15s ease}" +
    ".left .launcher{right:auto;left:20px}.launcher:hover{transform:translateY(-2px);box-shadow:0 10px 28px rgba(15,23,42,.32)}" +
    ".launcher:focus-visible{outline:3px solid var(--ring);outline-offset:3px}" +
    ".launcher svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}" +
    ".launcher .x,.open .launcher .i-chat{display:none}.open .launcher .x{display:block}" +
    ".badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#c62828;color:#fff;font:700 12px/18px system-ui,sans-serif;text-align:center;border:2px solid #fff}" +
    "@media (prefers-reduced-motion:reduce){.cw *{transition:none!important;animation:none!important}}" +
    "</style>" +
    "<div class='cw' part='widget'><button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false'>" +
    "<svg class='i-chat' viewBox='0 0 24 24' aria-hidden='true'><path d='M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z'/><path d='M8.5 12h.01M12 12h.01M15.5 12h.01' stroke-width='2.6'/></svg>" +
    "<svg class='x' viewBox='0 0 24 24' aria-hidden='true'><path d='M6 6l12 12M18 6L6 18'/></svg>" +
    "<span class='badge' hidden aria-hidden='true'></span></button></div>";
  var frame = root.querySelector(".cw");
  var launcher = root.querySelector(".launcher");
  var badge = root.querySelector(".badge");

  function text(key) {
    return T[lang || "fr"][key];
  }
  function paint() {
    var color = hex(ds.color) || hex(config && config.color) || "#0f4c5c";
    var position = ds.position || (config && config.position) || "right";
    frame.style.setProperty("--c", color);
    frame.style.setProperty("--ink", ink(color));
    // Focus rings must show on white: the store colour when dark enough, else a blue.
    frame.style.setProperty("--ring", 1.05 / (luminance(color) + 0.05) >= 3 ? color : "#1d4ed8");
    frame.classList.toggle("left", position === "left");
    var label = isOpen ? text("close") : text("open");
    if (unread && !isOpen) label += text("unread").replace("{n}", unread);
    launcher.setAttribute("aria-label", label);
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.hidden = !unread || isOpen;
  }

  function loadConfig() {
    var url = base + "/api/v1/widget/config" + (lang ? "?lang=" + lang : "");
    var headers = { Accept: "application/json" };
    if (lang) headers["Accept-Language"] = lang === "fr" ? "fr-CA" : "en-CA";
    return fetch(url, { headers: headers })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (got) {
        if (got) {
          config = got;
          if (!lang) lang = pick(got.language) || "fr";
          paint();
        }
        return config;
      })
      .catch(function () {
        return config;
      });
  }
  var configReady = loadConfig();

  var ctx = {
    base: base,
    root: root,
    frame: frame,
    launcher: launcher,
    identity: identity,
    ink: ink,
    get lang() {
      return lang || "fr";
    },
    get config() {
      return config;
    },
    reloadConfig: loadConfig,
    setUnread: function (n) {
      unread = n;
      paint();
    },
    close: function () {
      api.close();
    }
  };

  function mount() {
    if (panel || !factory) return;
    panel = factory(ctx);
  }
  function loadPanel() {
    if (factory || loading) return;
    loading = true;
    launcher.setAttribute("aria-busy", "true");
    var s = d.createElement("script");
    s.src = base + "/widget-panel.js" + query;
    s.async = true;
    s.onerror = function () {
      loading = false;
      launcher.removeAttribute("aria-busy");
      isOpen = false;
      frame.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      paint();
      launcher.setAttribute("title", text("failed"));
    };
    (d.head || d.documentElement).appendChild(s);
  }

  var api = {
    version: "1",
    open: function () {
      if (isOpen) return;
      isOpen = true;
      frame.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.removeAttribute("title");
      paint();
      if (panel) panel.open();
      else loadPanel();
    },
    close: function () {
      if (!isOpen) return;
      isOpen = false;
      frame.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      paint();
      if (panel) panel.close();
      launcher.focus();
    },
    toggle: function () {
      if (isOpen) api.close();
      else api.open();
    },
    // Called by widget-panel.js once it has loaded.
    _define: function (make) {
      factory = make;
      loading = false;
      launcher.removeAttribute("aria-busy");
      configReady.then(function () {
        mount();
        if (isOpen && panel) panel.open();
      });
    }
  };
  w.ComptoirWidget = api;
  launcher.addEventListener("click", api.toggle);

  paint();
  function attach() {
    d.body.appendChild(host);
  }
  if (d.body) attach();
  else d.addEventListener("DOMContentLoaded", attach);
})(window, document);
