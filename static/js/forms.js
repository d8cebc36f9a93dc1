// Forms on pages cached for every reader carry no CSRF token nor form stamp in their HTML.
// Fetch them from the server the first time the reader touches a form (or on submit), so
// the stamp measures the time spent writing. Without JavaScript, the forms stay hidden and
// a link leads to the same form on an uncached page.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function fill(form) {
    if (!form.tokensRequest) {
      form.tokensRequest = fetch(form.dataset.tokens, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (tokens) {
          Object.keys(tokens).forEach(function (name) {
            var input = form.querySelector('input[name="' + name + '"]');
            if (input) { input.value = tokens[name]; }
          });
        });
    }
    return form.tokensRequest;
  }

  document.querySelectorAll("form[data-tokens]").forEach(function (form) {
    form.addEventListener("focusin", function () { fill(form).catch(function () {}); });
    form.addEventListener("submit", function (event) {
      if (form.dataset.ready) { return; }
      event.preventDefault();
      fill(form).then(function () {
        form.dataset.ready = "1";
        form.submit();
      }).catch(function () {
        form.tokensRequest = null;
        window.location.href = form.action.split("#")[0].replace(/commentaires\/$/, "commenter/");
      });
    });
  });

  // A page has one report form for all its comments (comments/report_form.html): opening a
  // comment's "Report" brings the form there, empty, with that comment's address (the one its
  // link for readers without JavaScript leads to).
  var reportForm = document.querySelector("form.report-form");
  function bringReportForm(details) {
    if (!details.open || reportForm.parentNode === details) { return; }
    var previous = reportForm.closest("details.report");
    if (previous) { previous.open = false; }
    var link = details.querySelector(".no-js a");
    reportForm.reset();
    reportForm.action = link.href;
    details.insertBefore(reportForm, link.parentNode);
  }
  if (reportForm) {
    document.querySelectorAll("details.report").forEach(function (details) {
      details.addEventListener("toggle", function () { bringReportForm(details); });
      bringReportForm(details);  // opened before this script ran
    });
  }

  // A message about the reader's comment or report (comments/messages.html) comes after the
  // comments, where the page's address points: a report's goes into the comment reported. It
  // takes the focus, so that a screen reader says it, and shows mid-screen.
  var notices = document.querySelectorAll(".messages-beside");
  notices.forEach(function (notice) {
    var comment = notice.dataset.beside && document.getElementById(notice.dataset.beside);
    if (comment) { (comment.querySelector("article") || comment).appendChild(notice); }
  });
  var notice = document.getElementById(window.location.hash.slice(1)) || notices[0];
  if (notice && notice.classList.contains("messages-beside")) {
    notice.focus({ preventScroll: true });
    try {
      notice.scrollIntoView({ block: "center", behavior: "instant" });
    } catch (error) {  // a browser that knows no "instant"
      notice.scrollIntoView();
    }
  }
})();
