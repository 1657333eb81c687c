// Type-ahead over names and aliases for every id field marked data-typeahead="entity".
// An ARIA combobox: arrows move through the suggestions, Enter picks one (its id fills the
// field), Escape closes the list. Suggestions come from this server's /api/entities?q=.
(function () {
  "use strict";
  var MIN_CHARS = 2;
  var LIMIT = 8;
  var DELAY_MS = 120;
  var count = 0;

  function setup(input) {
    count += 1;
    var listId = "typeahead-list-" + count;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "typeahead-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      clearTimeout(timer);
      asked += 1; // an answer still on its way must not reopen the list
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      if (index < 0 || index >= items.length) return;
      input.value = items[index].dataset.id;
      status.textContent = items[index].dataset.name + " chosen (" + input.value + ")";
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(rows) {
      list.textContent = "";
      items = rows.map(function (row, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = row.id;
        li.dataset.name = row.name;
        var name = document.createElement("span");
        name.className = "typeahead-name";
        name.textContent = row.name;
        var meta = document.createElement("span");
        meta.className = "typeahead-meta";
        meta.textContent = " " + String(row.kind || "").replace(/_/g, " ") + " · " + row.id;
        li.appendChild(name);
        li.appendChild(meta);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the field
          pick(i);
        });
        list.appendChild(li);
        return li;
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length
        ? items.length + " suggestions; arrow keys to choose, Enter to pick"
        : "No names match";
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS || /^[a-z]+:[a-z0-9]/.test(q)) {
        close();
        return;
      }
      asked += 1;
      var mine = asked;
      var url = "/api/entities?limit=" + LIMIT + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { data: [] };
        })
        .then(function (body) {
          if (mine === asked && document.activeElement === input) show(body.data || []);
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          ask();
          return;
        }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); // pick, do not submit yet
        pick(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function init() {
    document.querySelectorAll('input[data-typeahead="entity"]').forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
