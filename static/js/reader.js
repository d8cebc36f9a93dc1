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

  // Make tabs of the rankings' lists (WAI-ARIA tabs pattern): a click, or the arrow keys, Home
  // and End on the tabs, show a list; only the chosen tab is in the Tab order. Without script,
  // the lists show one under the other, each under its heading (includes/rankings_box.html).
  document.querySelectorAll("[data-tabs]").forEach(function (box) {
    var panels = Array.prototype.slice.call(box.querySelectorAll(".ranking"));
    if (panels.length < 2) { return; }
    var list = document.createElement("div");
    list.className = "tabs";
    list.setAttribute("role", "tablist");
    if (box.hasAttribute("aria-labelledby")) {
      list.setAttribute("aria-labelledby", box.getAttribute("aria-labelledby"));
    }
    var tabs = panels.map(function (panel) {
      var heading = panel.querySelector("h3");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-onglet";
      tab.textContent = heading.textContent;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      heading.hidden = true;
      list.appendChild(tab);
      return tab;
    });
    function select(chosen) {
      tabs.forEach(function (tab, index) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[index].hidden = !on;
      });
    }
    list.addEventListener("click", function (event) {
      var tab = event.target.closest("[role=tab]");
      if (tab) { select(tab); }
    });
    list.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(event.target);
      var last = tabs.length - 1;
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
      if (index < 0 || next === undefined || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();  // Home and End would scroll the page
      var tab = tabs[next > last ? 0 : next < 0 ? last : next];
      select(tab);
      tab.focus();
    });
    box.insertBefore(list, panels[0]);
    // A link to one of the lists (#plus-commentes) opens its tab.
    var linked = panels.filter(function (panel) { return "#" + panel.id === location.hash; });
    select(tabs[linked.length ? panels.indexOf(linked[0]) : 0]);
  });
})();
