/* LineageKG view: draws the embedded graph with vis-network; search, filters, tooltips.
 *
 * Safety: every string of the data reaches the page through textContent, DOM properties
 * or canvas text, never parsed as HTML; a link is made (with DOM APIs) only for an http(s)
 * URL, and opens with rel="noopener noreferrer". Positions come from Python: physics is
 * off, so the first frame is the final layout.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var papers = data.papers;
  var categories = data.categories;
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#79706e", "#1f77b4", "#d37295"];
  var graphEl = document.getElementById("kg-graph");
  var tip = document.getElementById("kg-tip");
  var byId = new Map();
  var edgeById = new Map();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function linkTo(text, url) {
    if (typeof url !== "string" || !/^https?:\/\/[^\s]/i.test(url)) return null;
    var a = el("a", null, text);
    a.href = url;
    if (a.protocol !== "http:" && a.protocol !== "https:") return null;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  function uniq(values) {
    var seen = new Set();
    return values.filter(function (v) {
      if (seen.has(v)) return false;
      seen.add(v);
      return true;
    });
  }

  function mix(hex, amount) {
    var n = parseInt(hex.slice(1), 16);
    var rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      return Math.max(0, Math.min(255, Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount))));
    });
    return "rgb(" + rgb.join(",") + ")";
  }

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }

  /* ---- per-node facts for filters and search -------------------------------- */
  data.nodes.forEach(function (n) {
    var years = [];
    var cats = [];
    (n.pp || []).forEach(function (i) {
      years.push(papers[i].y);
      (papers[i].c || []).forEach(function (c) { cats.push(c); });
    });
    if (!years.length && typeof n.year === "number") years.push(n.year);
    n._years = n.ys ? n.ys : uniq(years);
    n._cats = n.cats ? n.cats : n.cs ? n.cs : uniq(cats);
    n._np = typeof n.np === "number" ? n.np : (n.pp || []).length;
    var words = [n.name, n.label].concat(n.alt || []);
    if (n.kind === "cell") (n.pp || []).forEach(function (i) { words.push(papers[i].t); });
    n._text = words.join("\n").toLowerCase();
    byId.set(n.id, n);
  });
  data.edges.forEach(function (e) { edgeById.set(e.id, e); });

  var allYears = uniq([].concat.apply([], data.nodes.map(function (n) { return n._years; }))).sort(function (a, b) { return a - b; });
  var usedCats = uniq([].concat.apply([], data.nodes.map(function (n) { return n._cats; }))).sort(function (a, b) { return a - b; });
  var state = {
    kinds: new Set(data.kinds),
    cat: null,
    from: allYears.length ? allYears[0] : 0,
    to: allYears.length ? allYears[allYears.length - 1] : 0
  };

  function passes(n) {
    if (!state.kinds.has(n.kind)) return false;
    if (state.cat !== null && n._cats.length && n._cats.indexOf(state.cat) < 0) return false;
    if (n._years.length && !n._years.some(function (y) { return y >= state.from && y <= state.to; })) return false;
    return true;
  }

  /* ---- vis data ----------------------------------------------------------- */
  var relations = uniq(data.edges.map(function (e) { return e.rel; })).sort();
  var relColor = {};
  var EDGE_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#e377c2", "#bcbd22", "#7f7f7f"];
  relations.forEach(function (r, i) { relColor[r] = EDGE_PALETTE[i % EDGE_PALETTE.length]; });
  var colourEdges = data.view === "lineage";

  function visNode(n) {
    var style = data.styles[n.kind] || { color: "#888888", shape: "dot" };
    var colour = typeof n.group === "number" ? PALETTE[n.group % PALETTE.length] : style.color;
    var shape = n.shape || style.shape;
    var v = {
      id: n.id,
      label: n.label,
      x: n.x,
      y: n.y,
      shape: shape,
      size: n.size || 11,
      borderWidth: n.focus ? 4 : 1,
      color: {
        background: colour,
        border: mix(colour, -0.35),
        highlight: { background: colour, border: "#1f2933" },
        hover: { background: colour, border: "#1f2933" }
      },
      font: { size: n.fs || 12, color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff" }
    };
    if (shape === "box" || shape === "ellipse") {
      v.color.background = mix(colour, 0.78);
      v.color.border = colour;
      v.color.highlight.background = mix(colour, 0.6);
      v.color.hover.background = mix(colour, 0.6);
      v.borderWidth = 2;
      v.font = { size: 13, color: "#1f2933" };
      v.widthConstraint = { maximum: 170 };
      v.margin = 7;
    }
    return v;
  }

  function visEdge(e) {
    var colour = colourEdges && e.rel !== "introduces" ? relColor[e.rel] : "#9aa5b1";
    var v = {
      id: e.id,
      from: e.from,
      to: e.to,
      width: e.w || 1,
      color: { color: colour, highlight: "#2f6fb3", hover: "#2f6fb3", opacity: 0.85 },
      smooth: e.curve ? { enabled: true, type: "curvedCW", roundness: e.curve } : false,
      dashes: !!e.dashes || e.rel === "introduces"
    };
    if (data.directed) v.arrows = { to: { enabled: true, scaleFactor: 0.55 } };
    if (data.edgeLabels) {
      v.label = e.rel;
      v.font = { size: 11, color: "#3e4c59", strokeWidth: 4, strokeColor: "#ffffff", align: "middle" };
    }
    return v;
  }

  var visible = new Set();
  function recompute() {
    visible = new Set();
    data.nodes.forEach(function (n) { if (passes(n)) visible.add(n.id); });
  }
  recompute();

  var nodesDS = new vis.DataSet(data.nodes.map(visNode));
  var edgesDS = new vis.DataSet(data.edges.map(visEdge));
  var nodeView = new vis.DataView(nodesDS, { filter: function (item) { return visible.has(item.id); } });
  var edgeView = new vis.DataView(edgesDS, { filter: function (item) { return visible.has(item.from) && visible.has(item.to); } });
  var big = data.nodes.length > 1200 || data.edges.length > 2500;
  var network = new vis.Network(
    graphEl,
    { nodes: nodeView, edges: edgeView },
    {
      autoResize: true,
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 1, hierarchical: { enabled: false } },
      interaction: { hover: true, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: true, navigationButtons: false, keyboard: false },
      nodes: { scaling: { label: { drawThreshold: 8 } } },
      edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.6 }
    }
  );

  /* ---- canvas decorations: year columns, lanes, group discs ----------------- */
  var decor = data.decor || {};
  var lanes = decor.lanes || [];
  var columns = decor.columns || [];
  var discs = decor.discs || [];
  var bounds = (function () {
    var b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    data.nodes.forEach(function (n) {
      b.x0 = Math.min(b.x0, n.x); b.x1 = Math.max(b.x1, n.x);
      b.y0 = Math.min(b.y0, n.y); b.y1 = Math.max(b.y1, n.y);
    });
    discs.forEach(function (c) {
      b.x0 = Math.min(b.x0, c.x - c.r); b.x1 = Math.max(b.x1, c.x + c.r);
      b.y0 = Math.min(b.y0, c.y - c.r - 30); b.y1 = Math.max(b.y1, c.y + c.r);
    });
    lanes.forEach(function (l) { b.y0 = Math.min(b.y0, l.y); b.y1 = Math.max(b.y1, l.y + l.h); });
    if (!isFinite(b.x0)) b = { x0: 0, y0: 0, x1: 0, y1: 0 };
    b.leftPx = lanes.length ? 190 : 0; // screen room for the lane names
    b.topPx = columns.length ? 40 : 0; // screen room for the column names
    return b;
  })();

  // Lane bands and group discs are drawn in graph coordinates, under the graph...
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale();
    ctx.save();
    lanes.forEach(function (lane, i) {
      ctx.fillStyle = i % 2 ? "rgba(82,96,109,0.04)" : "rgba(47,111,179,0.06)";
      var pad = 60 + bounds.leftPx / scale;
      ctx.fillRect(bounds.x0 - pad, lane.y, bounds.x1 - bounds.x0 + pad + 80, lane.h);
    });
    if (!lanes.length) {
      columns.forEach(function (c, i) {
        if (i === 0) return;
        var x = c.x - (c.x - columns[i - 1].x) * 0.18;
        ctx.strokeStyle = "rgba(82,96,109,0.25)";
        ctx.lineWidth = 1 / scale;
        ctx.setLineDash([6 / scale, 6 / scale]);
        ctx.beginPath();
        ctx.moveTo(x, bounds.y0 - 60);
        ctx.lineTo(x, bounds.y1 + 60);
        ctx.stroke();
        ctx.setLineDash([]);
      });
    }
    discs.forEach(function (c) {
      var colour = PALETTE[c.group % PALETTE.length];
      ctx.beginPath();
      ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
      ctx.fillStyle = alpha(colour, 0.08);
      ctx.fill();
      ctx.strokeStyle = alpha(colour, 0.45);
      ctx.lineWidth = 2;
      ctx.stroke();
      var size = Math.max(15, 11 / scale);
      if (size < c.r) {
        ctx.fillStyle = "#3e4c59";
        ctx.font = "bold " + size + "px sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        ctx.fillText(c.text, c.x, c.y - c.r - 6, c.r * 2.2);
      }
    });
    ctx.restore();
  });

  // ...and the names of lanes and columns in screen coordinates, over the graph, so
  // they stay readable at any zoom and stick to the edges while panning.
  function label(ctx, text, x, y, align) {
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = align;
    ctx.textBaseline = "middle";
    var w = ctx.measureText(text).width;
    var left = align === "center" ? x - w / 2 : x;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(left - 4, y - 10, w + 8, 20);
    ctx.fillStyle = "#3e4c59";
    ctx.fillText(text, x, y);
  }
  network.on("afterDrawing", function (ctx) {
    if (!lanes.length && !columns.length) return;
    var ratio = ctx.canvas.width / (ctx.canvas.clientWidth || ctx.canvas.width);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    var height = ctx.canvas.clientHeight;
    lanes.forEach(function (lane) {
      var y = network.canvasToDOM({ x: 0, y: lane.y + lane.h / 2 }).y;
      if (y > 0 && y < height) label(ctx, lane.text.length > 26 ? lane.text.slice(0, 25) + "…" : lane.text, 8, y, "left");
    });
    var top = network.canvasToDOM({ x: 0, y: bounds.y0 }).y - 28;
    columns.forEach(function (c) {
      label(ctx, c.text, network.canvasToDOM({ x: c.x, y: 0 }).x, Math.max(14, top), "center");
    });
    ctx.restore();
  });

  function shownBounds() {
    // Bounds of the nodes shown now (all of them before any filter), plus decorations.
    var b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    data.nodes.forEach(function (n) {
      if (!visible.has(n.id)) return;
      b.x0 = Math.min(b.x0, n.x); b.x1 = Math.max(b.x1, n.x);
      b.y0 = Math.min(b.y0, n.y); b.y1 = Math.max(b.y1, n.y);
    });
    if (!isFinite(b.x0)) return bounds;
    if (visible.size === data.nodes.length) return bounds;
    return b;
  }

  function fitAll() {
    // Fit what is shown into the canvas, leaving room for the lane and column names.
    var b = shownBounds();
    var w = Math.max((graphEl.clientWidth || 800) - bounds.leftPx - 40, 120);
    var h = Math.max((graphEl.clientHeight || 600) - bounds.topPx - 40, 120);
    var bw = Math.max(b.x1 - b.x0 + 200, 1);
    var bh = Math.max(b.y1 - b.y0 + 80, 1);
    var scale = Math.min(w / bw, h / bh, 1.6);
    network.moveTo({
      position: {
        x: (b.x0 + b.x1) / 2 - bounds.leftPx / 2 / scale,
        y: (b.y0 + b.y1) / 2 - bounds.topPx / 2 / scale
      },
      scale: scale,
      animation: false
    });
    relabel();
  }

  /* ---- labels readable at any zoom: the most connected keep a screen size ------ */
  var degree = new Map();
  data.edges.forEach(function (e) {
    degree.set(e.from, (degree.get(e.from) || 0) + 1);
    degree.set(e.to, (degree.get(e.to) || 0) + 1);
  });
  var boxy = data.view === "lineage";
  var ranked = data.nodes.slice().sort(function (a, b) { return (degree.get(b.id) || 0) - (degree.get(a.id) || 0) || a.id - b.id; });
  var lastScale = null;
  function relabel() {
    // Labels are drawn in canvas units: at a small zoom they shrink below reading size.
    // Then the best connected nodes (as many as fit) get a label that stays 12 px on
    // screen, and the rest are named on hover (vis-network skips labels under 8 px).
    // (In the lineage view the label is the box itself: growing it would make boxes
    // overlap, and its layout keeps the fit zoom near reading size.)
    if (boxy) return;
    var scale = network.getScale();
    if (lastScale !== null && Math.abs(scale - lastScale) / lastScale < 0.08) return;
    lastScale = scale;
    var base = boxy ? 13 : 12;
    var shown = ranked.filter(function (n) { return visible.has(n.id); });
    var room = Math.max(12, Math.round((graphEl.clientWidth * graphEl.clientHeight) / 24000));
    var updates = [];
    shown.forEach(function (n, i) {
      var size = base * scale >= 11 || i >= room ? base : Math.min(11 / scale, base * 3);
      if (n._font !== size) {
        n._font = size;
        updates.push({ id: n.id, font: { size: size } });
      }
    });
    if (updates.length) nodesDS.update(updates);
  }
  network.on("zoom", function () { relabel(); });

  /* ---- tooltips: built with DOM APIs only ----------------------------------- */
  var pinned = false;
  var pointer = { x: 0, y: 0 };
  graphEl.addEventListener("pointermove", function (ev) {
    var r = graphEl.getBoundingClientRect();
    pointer = { x: ev.clientX - r.left, y: ev.clientY - r.top };
  });

  function paperLine(i) {
    var p = papers[i];
    var meta = [p.v, p.y].filter(function (x) { return x !== "" && x !== undefined && x !== null; }).join(" ");
    return p.t + (meta ? " (" + meta + ")" : "");
  }

  function addLinks(box, links) {
    var made = (links || []).map(function (l) { return linkTo(l[0], l[1]); }).filter(Boolean);
    if (!made.length) return;
    var p = el("p", "tip-links");
    made.forEach(function (a) { p.appendChild(a); });
    box.appendChild(p);
  }

  function paperList(box, pp, heading, total) {
    if (!pp || !pp.length) return;
    total = Math.max(total || 0, pp.length);
    box.appendChild(el("p", null, heading));
    var ul = el("ul");
    var shown = pp.slice(-8).reverse();
    shown.forEach(function (i) { ul.appendChild(el("li", null, paperLine(i))); });
    if (total > shown.length) ul.appendChild(el("li", null, "… and " + (total - shown.length) + " more"));
    box.appendChild(ul);
  }

  function kindText(kind) {
    return (data.styles[kind] || {}).text || kind;
  }

  function nodeCard(n) {
    var box = el("div");
    box.appendChild(el("p", "tip-title", n.name));
    if (typeof n.paper === "number") {
      var p = papers[n.paper];
      var meta = ["Paper", [p.v, p.y].join(" ").trim()];
      if (p.p) meta.push(p.p);
      box.appendChild(el("p", "tip-meta", meta.filter(Boolean).join(" · ")));
      if (p.c && p.c.length) box.appendChild(el("p", null, "Categories: " + p.c.map(function (c) { return categories[c]; }).join(", ")));
      if (p.a && p.a.length) box.appendChild(el("p", null, "Authors: " + p.a.slice(0, 8).join(", ") + (p.a.length > 8 ? " and " + (p.a.length - 8) + " more" : "")));
      addLinks(box, p.l);
    } else {
      var meta2 = [kindText(n.kind)];
      if (n.kind === "person" || n.kind === "venue" || n.kind === "category" || n.kind === "cell") meta2.push(n._np + " paper" + (n._np === 1 ? "" : "s"));
      else if (typeof n.year === "number") meta2.push("since " + n.year);
      box.appendChild(el("p", "tip-meta", meta2.join(" · ")));
      if (n.alt && n.alt.length) box.appendChild(el("p", null, "Also: " + n.alt.join(", ")));
      if (n.desc) box.appendChild(el("p", null, n.desc));
      if (n.kind !== "list") paperList(box, n.pp, n.kind === "person" ? "Papers (latest first):" : "Related papers (latest first):", n._np);
      addLinks(box, n.l);
    }
    return box;
  }

  function edgeCard(e) {
    var box = el("div");
    var a = byId.get(e.from);
    var b = byId.get(e.to);
    box.appendChild(el("p", "tip-title", a.name));
    box.appendChild(el("p", "tip-meta", e.rel + (data.directed ? " →" : " ·")));
    box.appendChild(el("p", "tip-title", b.name));
    if (e.text) box.appendChild(el("p", null, e.text));
    if (e.pp && e.pp.length && e.rel !== "same paper") paperList(box, e.pp, e.pp.length + " paper" + (e.pp.length === 1 ? "" : "s") + " together:");
    addLinks(box, e.l);
    return box;
  }

  function showTip(card, pin) {
    var close = el("button", "tip-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", hideTip);
    tip.replaceChildren(close, card);
    if (!pin) card.appendChild(el("p", "tip-hint", "Click to keep this open and use its links."));
    pinned = !!pin;
    tip.classList.toggle("pinned", pinned);
    tip.hidden = false;
    var w = graphEl.clientWidth;
    var h = graphEl.clientHeight;
    var x = Math.min(pointer.x + 16, Math.max(4, w - tip.offsetWidth - 4));
    var y = pointer.y + 16 + tip.offsetHeight > h ? Math.max(4, pointer.y - tip.offsetHeight - 12) : pointer.y + 16;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function hideTip() {
    pinned = false;
    tip.classList.remove("pinned");
    tip.hidden = true;
    tip.replaceChildren();
  }

  network.on("hoverNode", function (params) {
    if (pinned) return;
    if (params.pointer && params.pointer.DOM) pointer = params.pointer.DOM;
    showTip(nodeCard(byId.get(params.node)), false);
  });
  network.on("hoverEdge", function (params) {
    if (pinned) return;
    showTip(edgeCard(edgeById.get(params.edge)), false);
  });
  network.on("blurNode", function () { if (!pinned) hideTip(); });
  network.on("blurEdge", function () { if (!pinned) hideTip(); });
  network.on("click", function (params) {
    if (params.pointer && params.pointer.DOM) pointer = params.pointer.DOM;
    if (params.nodes.length) {
      if (chainView) showChain(params.nodes[0], true);
      showTip(nodeCard(byId.get(params.nodes[0])), true);
    } else if (params.edges.length) showTip(edgeCard(edgeById.get(params.edges[0])), true);
    else { hideTip(); clearChain(); }
  });
  network.on("dragStart", function () { if (!pinned) hideTip(); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hideTip(); clearChain(); } });

  /* ---- follow a lineage: a click lights a work's ancestors and descendants ----- */
  var chainView = data.view === "lineage";
  var chainBox = document.getElementById("kg-chain");
  var chainOf = null;
  function olderEnd(e) { return e.rel === "introduces" ? e.from : e.to; }
  function newerEnd(e) { return e.rel === "introduces" ? e.to : e.from; }

  function walk(start, up) {
    // Breadth first from ``start``: up = towards what it derives from (ancestors).
    var seen = new Set([start]);
    var steps = [];
    var queue = [start];
    while (queue.length) {
      var at = queue.shift();
      data.edges.forEach(function (e) {
        if (!visible.has(e.from) || !visible.has(e.to)) return;
        var from = up ? newerEnd(e) : olderEnd(e);
        var to = up ? olderEnd(e) : newerEnd(e);
        if (from !== at) return;
        steps.push(e);
        if (!seen.has(to)) { seen.add(to); queue.push(to); }
      });
    }
    return { nodes: seen, steps: steps };
  }

  function fragmentOf(n) { return n.ax || n.name; }

  function stepItem(e) {
    var li = el("li");
    li.appendChild(el("span", null, byId.get(newerEnd(e)).name + " "));
    li.appendChild(el("span", "rel", e.rel === "introduces" ? "is introduced by" : e.rel));
    li.appendChild(el("span", null, " " + byId.get(olderEnd(e)).name));
    if (e.rel === "introduces") {
      // "introduces" runs paper -> method: read it from the method's side.
      li.replaceChildren(el("span", null, byId.get(e.to).name + " "), el("span", "rel", "introduced by"), el("span", null, " " + byId.get(e.from).name));
    }
    if (e.text) li.appendChild(el("span", "ev", e.text));
    (e.l || []).forEach(function (l) {
      var a = linkTo(l[0], l[1]);
      if (a) { li.appendChild(document.createTextNode(" ")); li.appendChild(a); }
    });
    return li;
  }

  function showChain(id, keepView) {
    var n = byId.get(id);
    if (!chainView || !n) return;
    chainOf = id;
    var up = walk(id, true);
    var down = walk(id, false);
    var lit = new Set([].concat(Array.from(up.nodes), Array.from(down.nodes)));
    var litEdges = new Set(up.steps.concat(down.steps).map(function (e) { return e.id; }));
    nodesDS.update(data.nodes.map(function (m) { return { id: m.id, opacity: lit.has(m.id) ? 1 : 0.15 }; }));
    edgesDS.update(data.edges.map(function (e) {
      var v = visEdge(e);
      if (litEdges.has(e.id)) { v.width = 3; } else { v.color.opacity = 0.08; v.font = v.label ? { size: 0.1 } : undefined; }
      return v;
    }));
    var close = el("button", "chain-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Clear the selection (Escape)");
    close.addEventListener("click", clearChain);
    var parts = [close, el("h2", null, n.name)];
    parts.push(el("p", "tip-meta", (up.nodes.size - 1) + " ancestor" + (up.nodes.size === 2 ? "" : "s") + ", " + (down.nodes.size - 1) + " descendant" + (down.nodes.size === 2 ? "" : "s") + " · Escape clears"));
    [["Builds on (ancestors)", up.steps], ["Built upon by (descendants)", down.steps]].forEach(function (pair) {
      parts.push(el("h3", null, pair[0]));
      if (!pair[1].length) { parts.push(el("p", null, "none")); return; }
      var ol = el("ol");
      pair[1].forEach(function (e) { ol.appendChild(stepItem(e)); });
      parts.push(ol);
    });
    chainBox.replaceChildren.apply(chainBox, parts);
    chainBox.hidden = false;
    network.selectNodes([id]);
    var key = "#" + encodeURIComponent(fragmentOf(n));
    if (location.hash !== key) history.replaceState(null, "", key);
    if (!keepView) setTimeout(function () { network.fit({ nodes: Array.from(lit).filter(function (m) { return visible.has(m); }), animation: false }); relabel(); }, 0);
  }

  function clearChain() {
    if (chainOf === null) return;
    chainOf = null;
    nodesDS.update(data.nodes.map(function (m) { return { id: m.id, opacity: 1 }; }));
    edgesDS.update(data.edges.map(visEdge));
    chainBox.hidden = true;
    chainBox.replaceChildren();
    network.unselectAll();
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    setTimeout(fitAll, 0);
  }

  function fromFragment() {
    var h = "";
    try { h = decodeURIComponent(location.hash.slice(1)); } catch (err) { h = ""; }
    if (!h || !chainView) return;
    var low = h.toLowerCase();
    var hit = data.nodes.filter(function (n) { return n.ax === h; })[0] ||
      data.nodes.filter(function (n) { return n.name.toLowerCase() === low; })[0];
    if (hit) showChain(hit.id, false);
  }
  window.addEventListener("hashchange", fromFragment);

  /* ---- toolbar: search, kind, category and year filters --------------------- */
  var status = document.getElementById("kg-status");
  var countOut = document.getElementById("kg-count");

  function updateCount() {
    var n = nodeView.length;
    var m = edgeView.length;
    var text = "Showing " + n.toLocaleString("en") + " of " + data.nodes.length.toLocaleString("en") + " nodes, " + m.toLocaleString("en") + " of " + data.edges.length.toLocaleString("en") + " edges";
    countOut.textContent = text;
  }

  function applyFilters() {
    recompute();
    nodeView.refresh();
    edgeView.refresh();
    updateCount();
    if (!pinned) hideTip();
    if (chainOf !== null && !visible.has(chainOf)) clearChain();
    lastScale = null;
    fitAll();
  }

  // A view over its budget draws only part of the graph (its notice says which part), so
  // a name missing here may still be in the graph: say so, and how to see it. Aggregated
  // cells carry every paper's title, so there the search covers everything.
  var partial = data.full.nodes > data.nodes.length && data.kinds.indexOf("cell") < 0;
  function leftOutText(query) {
    return "No match among the " + data.nodes.length.toLocaleString("en") + " of " + data.full.nodes.toLocaleString("en") +
      " nodes this view draws; the rest may hold it: kg viz --focus \"" + query.replace(/["\\$`]/g, "\\$&") + "\" --depth 2";
  }

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    if (!q) {
      status.textContent = "";
      network.unselectAll();
      fitAll();
      return [];
    }
    var matches = data.nodes.filter(function (n) { return n._text.indexOf(q) >= 0; });
    matches.sort(function (a, b) {
      return (b.name.toLowerCase() === q) - (a.name.toLowerCase() === q) || a.id - b.id;
    });
    var shown = matches.filter(function (n) { return visible.has(n.id); }).map(function (n) { return n.id; });
    var hidden = matches.length - shown.length;
    if (!matches.length) status.textContent = partial ? leftOutText(String(query).trim()) : "No match in this view";
    else status.textContent = shown.length + " match" + (shown.length === 1 ? "" : "es") + (hidden ? " (" + hidden + " hidden by the filters)" : "");
    network.selectNodes(shown);
    if (shown.length === 1) network.focus(shown[0], { scale: Math.max(network.getScale(), 1.1), animation: false });
    else if (shown.length > 1) network.fit({ nodes: shown, animation: false });
    else fitAll();
    relabel();
    if (shown.length === 1 && chainView) showChain(shown[0], true);
    return shown;
  }

  document.getElementById("kg-toolbar").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("kg-search").value);
  });
  document.getElementById("kg-search").addEventListener("change", function (ev) { search(ev.target.value); });

  var names = document.getElementById("kg-names");
  uniq(data.nodes.map(function (n) { return n.name; })).sort().slice(0, 5000).forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    names.appendChild(option);
  });

  var kindsBox = document.getElementById("kg-kinds");
  var kindCount = {};
  data.nodes.forEach(function (n) { kindCount[n.kind] = (kindCount[n.kind] || 0) + 1; });
  data.kinds.forEach(function (kind) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = kind;
    box.addEventListener("change", function () {
      if (box.checked) state.kinds.add(kind); else state.kinds.delete(kind);
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + kindText(kind)));
    kindsBox.appendChild(label);
  });
  if (data.kinds.length < 2) kindsBox.hidden = true;

  var catSelect = document.getElementById("kg-category");
  usedCats.forEach(function (c) {
    var option = el("option", null, categories[c]);
    option.value = String(c);
    catSelect.appendChild(option);
  });
  catSelect.addEventListener("change", function () {
    state.cat = catSelect.value === "" ? null : Number(catSelect.value);
    applyFilters();
  });
  if (!usedCats.length) catSelect.parentNode.hidden = true;

  var fromSel = document.getElementById("kg-year-from");
  var toSel = document.getElementById("kg-year-to");
  allYears.forEach(function (y) {
    var a = el("option", null, y);
    a.value = String(y);
    fromSel.appendChild(a);
    var b = el("option", null, y);
    b.value = String(y);
    toSel.appendChild(b);
  });
  fromSel.value = String(state.from);
  toSel.value = String(state.to);
  function yearsChanged() {
    state.from = Number(fromSel.value);
    state.to = Number(toSel.value);
    applyFilters();
  }
  fromSel.addEventListener("change", yearsChanged);
  toSel.addEventListener("change", yearsChanged);
  if (!allYears.length) fromSel.parentNode.hidden = true;

  document.getElementById("kg-reset").addEventListener("click", function () {
    state.kinds = new Set(data.kinds);
    state.cat = null;
    state.from = allYears.length ? allYears[0] : 0;
    state.to = allYears.length ? allYears[allYears.length - 1] : 0;
    kindsBox.querySelectorAll("input").forEach(function (b) { b.checked = true; });
    catSelect.value = "";
    fromSel.value = String(state.from);
    toSel.value = String(state.to);
    document.getElementById("kg-search").value = "";
    status.textContent = "";
    network.unselectAll();
    applyFilters();
    fitAll();
  });

  /* ---- legend --------------------------------------------------------------- */
  var SVG = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    var points = {
      triangle: "8,1 15,14 1,14",
      triangleDown: "1,2 15,2 8,15",
      diamond: "8,1 15,8 8,15 1,8",
      star: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"
    }[shape];
    var s;
    if (points) {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", points);
    } else if (shape === "square" || shape === "box") {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", "2"); s.setAttribute("y", "2"); s.setAttribute("width", "12"); s.setAttribute("height", "12");
      if (shape === "box") { s.setAttribute("rx", "3"); }
    } else if (shape === "ellipse") {
      s = document.createElementNS(SVG, "ellipse");
      s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("rx", "7.5"); s.setAttribute("ry", "5");
    } else {
      s = document.createElementNS(SVG, "circle");
      s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6.5");
    }
    var boxy = shape === "box" || shape === "ellipse";
    s.setAttribute("fill", boxy ? mix(colour, 0.78) : colour);
    s.setAttribute("stroke", boxy ? colour : mix(colour, -0.35));
    s.setAttribute("stroke-width", boxy ? "2" : "1");
    svg.appendChild(s);
    return svg;
  }

  var legend = document.getElementById("kg-legend");
  function legendList(title, items) {
    legend.appendChild(el("h2", null, title));
    var ul = el("ul");
    items.forEach(function (item) {
      var li = el("li");
      if (item.icon) li.appendChild(item.icon);
      li.appendChild(document.createTextNode(item.text));
      ul.appendChild(li);
    });
    legend.appendChild(ul);
  }
  var shapeOf = {};
  data.nodes.forEach(function (n) { if (!shapeOf[n.kind]) shapeOf[n.kind] = n.shape; });
  if (data.view === "coauthors") {
    legendList("People", [
      { icon: shapeIcon("dot", PALETTE[0]), text: "size: number of papers" },
      { text: "colour and disc: research group" },
      { text: "line width: papers together" }
    ]);
  } else {
    legendList("Kinds", data.kinds.map(function (k) {
      var style = data.styles[k] || { color: "#888888", shape: "dot" };
      return { icon: shapeIcon(shapeOf[k] || style.shape, style.color), text: kindText(k) + " (" + (kindCount[k] || 0) + ")" };
    }));
  }
  if (colourEdges && relations.length) {
    legendList("Relations (newer → older)", relations.map(function (r) {
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("width", "22"); svg.setAttribute("height", "10");
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", "21"); line.setAttribute("y2", "5");
      line.setAttribute("stroke", r === "introduces" ? "#9aa5b1" : relColor[r]);
      line.setAttribute("stroke-width", "2.5");
      if (r === "introduces") line.setAttribute("stroke-dasharray", "4 3");
      svg.appendChild(line);
      return { icon: svg, text: r };
    }));
  }
  var legendBox = document.getElementById("kg-legend-box");
  if (!data.nodes.length) legendBox.hidden = true;
  if (window.innerWidth <= 700) legendBox.open = false;
  legendBox.addEventListener("toggle", function () { lastScale = null; setTimeout(fitAll, 0); });
  network.on("resize", function () { lastScale = null; fitAll(); });

  /* ---- start ------------------------------------------------------------------ */
  updateCount();
  network.once("afterDrawing", function () {
    window.kgReadyAt = performance.now();
    document.documentElement.setAttribute("data-kg-ready", "1");
  });
  fitAll();
  var focusNode = data.nodes.filter(function (n) { return n.focus; })[0];
  if (focusNode) network.selectNodes([focusNode.id]);
  fromFragment();

  /* For tests and the curious: the live objects and a few queries. */
  window.kgView = {
    network: network,
    search: search,
    state: state,
    applyFilters: applyFilters,
    drawn: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    },
    visibleNodeIds: function () { return nodeView.getIds(); },
    chain: function () { return chainOf; },
    dimmed: function () { return nodesDS.get().filter(function (n) { return n.opacity !== undefined && n.opacity < 1; }).map(function (n) { return n.id; }); },
    fontSize: function (id) { var n = nodesDS.get(id); return n && n.font ? n.font.size : null; },
    canvasPosition: function (id) {
      var p = network.getPosition(id);
      return network.canvasToDOM(p);
    }
  };
})();
