// The writing screen: the rich-text editor's toolbar in the desk's language, character counts
// under the short texts, and a publish button that says "Schedule" when the publication time is
// still to come. The form works without this script.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var fill = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  };

  // django-prose-editor writes most of its toolbar's names in English, whatever the language:
  // each English name it writes is replaced by the desk's, and again whenever the editor
  // changes it (the block type's button follows the cursor).
  var EDITOR_NAMES = {
    "paragraph": gettext("Paragraph"),
    "Paragraph": gettext("Paragraph"),
    "heading 2": gettext("Subhead"),
    "Heading 2": gettext("Subhead"),
    "heading 3": gettext("Minor subhead"),
    "Heading 3": gettext("Minor subhead"),
    "unordered list": gettext("Bulleted list"),
    "ordered list": gettext("Numbered list"),
    "blockquote": gettext("Block quotation"),
    "bold": gettext("Bold"),
    "italic": gettext("Italic"),
    "insert link": gettext("Insert a link"),
    "remove link": gettext("Remove the link"),
    "undo": gettext("Undo"),
    "redo": gettext("Redo"),
  };
  // Only a name that changes: rewriting a name as itself would wake the observer again.
  var translated = function (name) {
    return EDITOR_NAMES.hasOwnProperty(name) && EDITOR_NAMES[name] !== name;
  };
  var rename = function (root) {
    root.querySelectorAll("[title], [aria-label]").forEach(function (el) {
      ["title", "aria-label"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (translated(value)) { el.setAttribute(name, EDITOR_NAMES[value]); }
      });
    });
    // The block types' menu shows their names as text (a button's text is its icon's name).
    root.querySelectorAll(".prose-menubar__option > *").forEach(function (el) {
      if (!el.children.length && translated(el.textContent)) {
        el.textContent = EDITOR_NAMES[el.textContent];
      }
    });
  };
  document.querySelectorAll(".prose-menubar").forEach(rename);  // if the editor was quicker
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var menubar = change.target.closest && change.target.closest(".prose-menubar");
      if (menubar) { rename(menubar); }
      change.addedNodes.forEach(function (node) {
        if (node.querySelectorAll) {
          (node.matches(".prose-menubar") ? [node] : node.querySelectorAll(".prose-menubar"))
            .forEach(rename);
        }
      });
    });
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             attributeFilter: ["title", "aria-label"]});

  // "87 of 200 characters" under the kicker, the headline and the lede.
  document.querySelectorAll(".field-kicker input, .field-headline textarea, .field-lede textarea")
    .forEach(function (field) {
      var max = parseInt(field.getAttribute("maxlength"), 10);
      if (!max) { return; }
      var count = document.createElement("div");
      count.className = "help char-count";  // under the field, aligned as its help text
      count.setAttribute("aria-live", "polite");
      (field.closest(".flex-container") || field).insertAdjacentElement("afterend", count);
      var update = function () {
        count.textContent = fill(
          gettext("%(count)s of %(max)s characters"), {count: field.value.length, max: max}, true
        );
        count.classList.toggle("char-count-full", field.value.length >= max);
      };
      field.addEventListener("input", update);
      update();
    });

  // The publication time is typed in Paris time (the desk's zone); the page tells when it was
  // made, in that zone, so that the button follows the clock whatever the computer's zone.
  var publish = document.querySelector("input[name=_publish][data-schedule]");
  var date = document.getElementById("id_published_at_0");
  var time = document.getElementById("id_published_at_1");
  if (publish && date && time && publish.dataset.now) {
    var loaded = Date.now();
    var now = Date.parse(publish.dataset.now + "Z");
    var relabel = function () {
      var day = date.value.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
      var clock = time.value.trim().match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?$/) || [0, 0, 0, 0];
      var later = false;
      if (day) {
        var chosen = Date.UTC(+day[3], +day[2] - 1, +day[1], +clock[1], +clock[2], +(clock[3] || 0));
        later = chosen > now + (Date.now() - loaded);
      }
      publish.value = later ? publish.dataset.schedule : publish.dataset.publish;
    };
    [date, time].forEach(function (field) {
      field.addEventListener("input", relabel);
      field.addEventListener("change", relabel);
    });
    // The admin's calendar and clock set the value without an input event.
    document.addEventListener("click", function () { window.setTimeout(relabel, 0); });
    relabel();
  }
});
