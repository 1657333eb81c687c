/* govgraph: start ReDoc on /redoc (kept out of the page so the CSP needs no inline script).
   Search is off: it runs in a blob: worker, which the CSP does not allow. */
(function () {
  "use strict";
  var el = document.getElementById("redoc");
  Redoc.init(el.getAttribute("data-spec-url"), { disableSearch: true }, el);
})();
