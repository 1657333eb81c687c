// Copy-link buttons: copy this page's address (or data-url) to the clipboard, say so aloud.
(function () {
  "use strict";
  function done(button, status, text) {
    if (status) { status.textContent = text; }
    button.setAttribute("data-copied", text);
  }
  function fallback(url) {
    var field = document.createElement("textarea");
    field.value = url;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    return ok;
  }
  function copy(button) {
    var url = button.getAttribute("data-url") || window.location.href;
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { done(button, status, "Link copied"); },
        function () { done(button, status, fallback(url) ? "Link copied" : "Copy failed: " + url); }
      );
    } else {
      done(button, status, fallback(url) ? "Link copied" : "Copy failed: " + url);
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest("button.copy-link") : null;
    if (button) { copy(button); }
  });
  var buttons = document.querySelectorAll("button.copy-link");
  for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
}());
