// Small enhancements for readers; the site works without them.
(function () {
  "use strict";

  // Count a view once the article has been shown: the page itself writes nothing.
  var article = document.querySelector("[data-beacon]");
  if (article && navigator.sendBeacon) {
    var send = function () { navigator.sendBeacon(article.dataset.beacon); };
    if (document.visibilityState === "visible") { send(); }
    else {
      document.addEventListener("visibilitychange", function once() {
        if (document.visibilityState === "visible") {
          document.removeEventListener("visibilitychange", once);
          send();
        }
      });
    }
  }

  // Turn the rankings' two lists into tabs (WAI-ARIA tabs pattern). Without script,
  // both lists show one under the other.
  document.querySelectorAll("[data-tabs]").forEach(function (box, boxIndex) {
    var panels = box.querySelectorAll(".ranking");
    var list = document.createElement("div");
    list.setAttribute("role", "tablist");
    var tabs = [];
    panels.forEach(function (panel, index) {
      var heading = panel.querySelector("h3");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + boxIndex + "-" + index;
      tab.textContent = heading.textContent;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      heading.hidden = true;
      list.appendChild(tab);
      tabs.push(tab);
    });
    function select(chosen) {
      tabs.forEach(function (tab, index) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[index].hidden = !on;
      });
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) { return; }
        var next = tabs[(index + step + tabs.length) % tabs.length];
        next.focus();
        select(next);
      });
    });
    box.insertBefore(list, panels[0]);
    select(tabs[0]);
  });
})();
