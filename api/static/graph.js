/* govgraph: draw the graph a page embeds as JSON (#graph-data) with vis-network, served locally.
   Physics runs only until the layout stabilizes, then it is switched off so the graph holds still.
   window.govgraphNetwork is the vis Network; window.govgraphTimings records when it became
   interactive (performance.now(), milliseconds since navigation start). */
(function () {
  "use strict";
  var dataEl = document.getElementById("graph-data");
  var container = document.getElementById("graph");
  if (!dataEl || !container) return;
  var timings = (window.govgraphTimings = { scriptStart: performance.now() });
  if (typeof vis === "undefined") {
    container.textContent = "The graph library did not load; the nodes are listed below.";
    return;
  }
  var spec = JSON.parse(dataEl.textContent);
  var nodes = new vis.DataSet(spec.nodes);
  var edges = new vis.DataSet(spec.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, spec.options);
  window.govgraphNetwork = network;
  timings.created = performance.now();

  function interactive() {
    if (timings.interactive) return;
    network.setOptions({ physics: false });
    timings.interactive = performance.now();
    container.setAttribute("data-ready", "true");
    document.dispatchEvent(new CustomEvent("govgraph:ready", { detail: timings }));
  }
  network.once("stabilizationIterationsDone", interactive);
  if (spec.nodes.length === 0) interactive();
  // Should stabilization never report (it always does in vis-network 9), stop anyway.
  setTimeout(interactive, 20000);

  network.on("click", function (params) {
    if (!params.nodes.length) return;
    var node = nodes.get(params.nodes[0]);
    if (node && node.url) window.location.assign(node.url);
  });
  network.on("hoverNode", function (params) {
    var node = nodes.get(params.node);
    container.style.cursor = node && node.url ? "pointer" : "default";
  });
  network.on("blurNode", function () { container.style.cursor = "default"; });
})();
