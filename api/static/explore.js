/* govgraph explorer: start from one record, click nodes to fetch their neighbours
   (/api/graph/neighbours/ID), filter by kind and relation, pin and hide nodes, slide through time,
   export the view as PNG or GraphML. Everything loads from this server (vis-network from /static).
   window.govgraphExplorer exposes the view for tests; #explore-graph[data-busy] is "false" when
   the graph is still and ready for clicks. */
(function () {
  "use strict";
  var dataEl = document.getElementById("explore-data");
  var container = document.getElementById("explore-graph");
  if (!dataEl || !container || typeof vis === "undefined") return;
  var cfg = JSON.parse(dataEl.textContent);
  var DAY = 86400000;
  var state = { start: cfg.start, expanded: {}, pinned: {}, hidden: {}, asOf: null,
                offKinds: {}, offRelations: {}, selected: null };
  var info = {};
  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var $ = function (id) { return document.getElementById(id); };
  $("explorer").hidden = false;

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    nodes: { borderWidth: 1, font: { size: 13, face: "sans-serif" } },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      font: { size: 10, align: "middle", color: "#333", strokeWidth: 3 },
      color: { color: "#9aa5b1", highlight: "#1f2933", hover: "#1f2933" },
      smooth: { enabled: true, type: "continuous" }
    },
    physics: {
      enabled: true, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -5000, centralGravity: 0.25, springLength: 150,
                   springConstant: 0.04, damping: 0.35, avoidOverlap: 0.3 },
      stabilization: { enabled: true, iterations: 200, fit: true }, minVelocity: 1
    },
    interaction: { hover: true, tooltipDelay: 120, keyboard: { enabled: true, bindToWindow: false } },
    layout: { randomSeed: 7, improvedLayout: false }
  });

  // ----------------------------------------------------------------------------- layout and busy
  var settleTimer = null;
  function busy(flag) { container.setAttribute("data-busy", flag ? "true" : "false"); }
  function still() {
    if (settleTimer) { clearTimeout(settleTimer); settleTimer = null; }
    network.setOptions({ physics: { enabled: false } });
    busy(false);
    document.dispatchEvent(new CustomEvent("govgraph:explore-ready"));
  }
  function settle(iterations) {
    busy(true);
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(iterations);
    settleTimer = setTimeout(still, 8000);  // should stabilization never report, stop anyway
  }
  network.on("stabilizationIterationsDone", still);

  // ---------------------------------------------------------------------------- adding the data
  function addGraph(graph, around) {
    var origin = around && nodes.get(around) ? network.getPositions([around])[around] : { x: 0, y: 0 };
    var fresh = graph.nodes.filter(function (n) { return !info[n.id]; });
    fresh.forEach(function (n, i) {
      info[n.id] = n;
      var angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
      var radius = n.id === state.start ? 0 : 160 + 6 * fresh.length;
      nodes.add({ id: n.id, label: n.label, title: n.title, color: n.color, shape: n.shape,
                  size: n.id === state.start ? 26 : n.size, borderWidth: n.id === state.start ? 3 : 1,
                  x: origin.x + radius * Math.cos(angle), y: origin.y + radius * Math.sin(angle) });
    });
    graph.edges.forEach(function (e) {
      if (edges.get(e.id) || !info[e.source] || !info[e.target]) return;
      edges.add({ id: e.id, from: e.source, to: e.target, label: e.label, title: e.title,
                  relation: e.relation, earliest: e.earliest, latest: e.latest, role: e.role,
                  date: e.date, event_id: e.event_id,
                  dashes: ["PARTICIPATED_IN", "CONCERNS", "BASED_IN", "IN_JURISDICTION"].indexOf(e.relation) >= 0 });
    });
    if (graph.notice) status(graph.notice);
    return fresh.length;
  }

  function expand(id) {
    if (state.expanded[id]) return Promise.resolve(0);
    state.expanded[id] = true;
    busy(true);
    status("Fetching the neighbours of " + name(id) + "…");
    return fetch("/api/graph/neighbours/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error((body.error && body.error.message) || ("HTTP " + r.status));
          return body;
        });
      })
      .then(function (graph) {
        var added = addGraph(graph, id);
        refresh();
        status("Expanded " + name(id) + ": " + added + " new node" + (added === 1 ? "" : "s") + ".");
        if (added) settle(120); else busy(false);
        return added;
      })
      .catch(function (err) {
        state.expanded[id] = false;
        busy(false);
        status("Could not expand " + name(id) + ": " + err.message);
      });
  }

  // ------------------------------------------------------------------------- what is visible
  function edgeOk(e) {
    return !state.offRelations[e.relation] && (!state.asOf || !e.earliest || e.earliest <= state.asOf);
  }
  function nodeOk(n) {
    if (state.hidden[n.id]) return false;
    if (n.id === state.start || state.pinned[n.id]) return true;
    if (state.offKinds[n.kind]) return false;
    return !state.asOf || n.kind !== "event" || !n.earliest || n.earliest <= state.asOf;
  }
  function visibility() {
    // A node stays when a chain of visible relationships links it to the start or a pinned node.
    var ok = {}, seen = {}, queue = [];
    Object.keys(info).forEach(function (id) { ok[id] = nodeOk(info[id]); });
    var adj = {};
    edges.get().forEach(function (e) {
      if (!edgeOk(e) || !ok[e.from] || !ok[e.to]) return;
      (adj[e.from] = adj[e.from] || []).push(e.to);
      (adj[e.to] = adj[e.to] || []).push(e.from);
    });
    Object.keys(info).forEach(function (id) {
      if (ok[id] && (id === state.start || state.pinned[id])) { seen[id] = true; queue.push(id); }
    });
    while (queue.length) {
      (adj[queue.shift()] || []).forEach(function (m) {
        if (!seen[m]) { seen[m] = true; queue.push(m); }
      });
    }
    return seen;
  }
  function refresh() {
    var shown = visibility();
    nodes.update(Object.keys(info).map(function (id) {
      return { id: id, hidden: !shown[id], fixed: !!state.pinned[id] };
    }));
    edges.update(edges.get().map(function (e) {
      return { id: e.id, hidden: !(edgeOk(e) && shown[e.from] && shown[e.to]) };
    }));
    filters();
    legend();
    nodeButtons();
    hiddenList();
    slider();
    var n = visibleNodes().length, m = visibleEdges().length;
    container.setAttribute("aria-label", "Explorer graph: " + n + " nodes, " + m + " relationships shown.");
    $("explore-status").textContent = n + " of " + Object.keys(info).length + " nodes and " + m +
      " relationships shown" + (state.asOf ? " as of " + state.asOf : "") + ".";
  }
  function visibleNodes() { return nodes.get({ filter: function (n) { return !n.hidden; } }); }
  function visibleEdges() { return edges.get({ filter: function (e) { return !e.hidden; } }); }
  function name(id) { return (info[id] && info[id].name) || id; }
  function status(text) { $("explore-status").textContent = text; }

  // ------------------------------------------------------------------------------- the controls
  function checkboxes(box, values, off, label) {
    var have = {};
    box.querySelectorAll("input").forEach(function (i) { have[i.value] = true; });
    values.forEach(function (v) {
      if (have[v]) return;
      var l = document.createElement("label");
      var i = document.createElement("input");
      i.type = "checkbox"; i.value = v; i.checked = !off[v];
      i.addEventListener("change", function () { off[v] = !i.checked; refresh(); });
      l.appendChild(i);
      l.appendChild(document.createTextNode(" " + label(v)));
      box.appendChild(l);
    });
  }
  function present(list) { return Object.keys(list.reduce(function (a, v) { a[v] = 1; return a; }, {})).sort(); }
  function filters() {
    checkboxes($("explore-kinds"), present(Object.keys(info).map(function (id) { return info[id].kind; })),
               state.offKinds, function (v) { return v.replace(/_/g, " "); });
    checkboxes($("explore-relations"), present(edges.get().map(function (e) { return e.relation; })),
               state.offRelations, function (v) { return v.toLowerCase().replace(/_/g, " "); });
  }
  function swatch(color) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "swatch"); svg.setAttribute("viewBox", "0 0 1 1");
    svg.setAttribute("preserveAspectRatio", "none"); svg.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS(ns, "rect");
    rect.setAttribute("width", "1"); rect.setAttribute("height", "1"); rect.setAttribute("fill", color);
    svg.appendChild(rect);
    return svg;
  }
  function legend() {
    var ul = $("explore-legend"), kinds = {};
    visibleNodes().forEach(function (n) { kinds[info[n.id].kind] = info[n.id].color; });
    ul.textContent = "";
    Object.keys(kinds).sort().forEach(function (k) {
      var li = document.createElement("li");
      li.setAttribute("data-key", k);
      li.appendChild(swatch(kinds[k]));
      li.appendChild(document.createTextNode(k.replace(/_/g, " ")));
      ul.appendChild(li);
    });
  }
  function nodeButtons() {
    var ul = $("explore-nodes");
    ul.textContent = "";
    visibleNodes().forEach(function (n) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button";
      b.textContent = name(n.id) + " (" + info[n.id].kind.replace(/_/g, " ") + ")";
      b.addEventListener("click", function () {
        network.selectNodes([n.id]);
        select(n.id);
        expand(n.id).then(function () { if (state.selected === n.id) select(n.id); });
      });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  function hiddenList() {
    var ul = $("explore-hidden"), ids = Object.keys(state.hidden).filter(function (id) { return state.hidden[id]; });
    $("explore-hidden-section").hidden = ids.length === 0;
    ul.textContent = "";
    ids.forEach(function (id) {
      var li = document.createElement("li"), b = document.createElement("button");
      li.textContent = name(id);
      b.type = "button"; b.textContent = "Show again";
      b.addEventListener("click", function () { state.hidden[id] = false; refresh(); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  function select(id) {
    state.selected = id;
    var box = $("explore-selected"), n = info[id];
    box.textContent = "";
    if (!n) return;
    var h = document.createElement("h2");
    h.textContent = n.name;
    var meta = document.createElement("p");
    meta.textContent = n.kind.replace(/_/g, " ") + " · " + n.id;
    box.appendChild(h); box.appendChild(meta);
    var p = document.createElement("p");
    function button(text, act) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = text;
      b.addEventListener("click", act);
      p.appendChild(b);
    }
    if (n.url) {
      var a = document.createElement("a");
      a.href = n.url; a.textContent = "Open its page";
      p.appendChild(a); p.appendChild(document.createTextNode(" "));
    }
    if (!state.expanded[id]) button("Expand", function () { expand(id).then(function () { select(id); }); });
    button(state.pinned[id] ? "Unpin" : "Pin", function () { state.pinned[id] = !state.pinned[id]; refresh(); select(id); });
    if (id !== state.start) button("Hide", function () { state.hidden[id] = true; refresh(); select(id); });
    box.appendChild(p);
  }

  // --------------------------------------------------------------------------------- time
  function dayNumber(text) { return Math.floor(Date.parse(text + "T00:00:00Z") / DAY); }
  function dayText(n) { return new Date(n * DAY).toISOString().slice(0, 10); }
  function bounds() {
    var days = [];
    Object.keys(info).forEach(function (id) { ["earliest", "latest"].forEach(function (k) { if (info[id][k]) days.push(info[id][k]); }); });
    edges.get().forEach(function (e) { ["earliest", "latest"].forEach(function (k) { if (e[k]) days.push(e[k]); }); });
    days.sort();
    var today = new Date().toISOString().slice(0, 10);
    return days.length ? [dayNumber(days[0]) - 31, Math.max(dayNumber(days[days.length - 1]), dayNumber(today)) + 1]
                       : [dayNumber(today) - 365, dayNumber(today) + 1];
  }
  function slider() {
    var s = $("explore-slider"), b = bounds();
    s.min = String(b[0]); s.max = String(b[1]);
    s.value = String(state.asOf ? Math.max(b[0], Math.min(dayNumber(state.asOf), b[1] - 1)) : b[1]);
    $("explore-as-of-label").textContent = state.asOf || "all dates";
    $("explore-as-of").value = state.asOf || "";
  }
  function setAsOf(day) {
    state.asOf = day || null;
    refresh();
  }
  $("explore-slider").addEventListener("input", function (ev) {
    var v = Number(ev.target.value);
    setAsOf(v >= Number(ev.target.max) ? null : dayText(v));
  });
  $("explore-as-of").addEventListener("change", function (ev) { setAsOf(ev.target.value || null); });
  $("explore-all-dates").addEventListener("click", function () { setAsOf(null); });

  // ------------------------------------------------------------------------------- export
  function download(href, filename) {
    var a = document.createElement("a");
    a.href = href; a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function fileStem() { return "govgraph-explore-" + state.start.replace(/[^a-z0-9.-]+/gi, "-"); }
  function png() {
    var canvas = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width; out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }
  function xml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }
  var NODE_KEYS = ["name", "kind", "url", "earliest", "latest"];
  var EDGE_KEYS = ["relation", "role", "date", "earliest", "latest", "event_id"];
  function graphml() {
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'];
    NODE_KEYS.forEach(function (k) { out.push('  <key id="n_' + k + '" for="node" attr.name="' + k + '" attr.type="string"/>'); });
    EDGE_KEYS.forEach(function (k) { out.push('  <key id="e_' + k + '" for="edge" attr.name="' + k + '" attr.type="string"/>'); });
    out.push('  <graph id="' + xml(state.start) + '" edgedefault="directed">');
    visibleNodes().forEach(function (n) {
      out.push('    <node id="' + xml(n.id) + '">');
      NODE_KEYS.forEach(function (k) { if (info[n.id][k]) out.push('      <data key="n_' + k + '">' + xml(info[n.id][k]) + "</data>"); });
      out.push("    </node>");
    });
    visibleEdges().forEach(function (e) {
      out.push('    <edge id="' + xml(e.id) + '" source="' + xml(e.from) + '" target="' + xml(e.to) + '">');
      EDGE_KEYS.forEach(function (k) { if (e[k]) out.push('      <data key="e_' + k + '">' + xml(e[k]) + "</data>"); });
      out.push("    </edge>");
    });
    out.push("  </graph>", "</graphml>", "");
    return out.join("\n");
  }
  $("export-png").addEventListener("click", function () { download(png(), fileStem() + ".png"); });
  $("export-graphml").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([graphml()], { type: "application/graphml+xml" }));
    download(url, fileStem() + ".graphml");
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  });
  $("explore-fit").addEventListener("click", function () { network.fit(); });

  // ---------------------------------------------------------------------------------- events
  network.on("click", function (params) {
    if (!params.nodes.length) return;
    var id = params.nodes[0];
    select(id);
    expand(id).then(function () { if (state.selected === id) select(id); });
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = "default"; });

  window.govgraphNetwork = network;
  window.govgraphExplorer = {
    network: network, expand: expand, setAsOf: setAsOf, graphml: graphml,
    expanded: function () { return Object.keys(state.expanded).filter(function (k) { return state.expanded[k]; }); },
    visibleNodes: function () { return visibleNodes().map(function (n) { return n.id; }); },
    visibleEdges: function () { return visibleEdges().map(function (e) { return { id: e.id, source: e.from, target: e.to, relation: e.relation }; }); }
  };
  addGraph(cfg.graph, null);
  state.expanded[state.start] = true;
  refresh();
  select(state.start);
  settle(200);
})();
