// citegraph's citation map: pan, zoom, card, highlight, filters, search. No network, no markup
// from data: every string is read from an escaped data-* attribute and written with textContent.
(function () {
  "use strict";
  var svg = document.getElementById("citation-map");
  if (!svg) {
    return;
  }
  var viewport = svg.querySelector(".map-viewport");
  var card = document.getElementById("citation-map-card");
  var search = document.getElementById("citation-map-search");
  var mechanismSelect = document.getElementById("citation-map-mechanism");
  var communitySelect = document.getElementById("citation-map-community");
  var fromInput = document.getElementById("citation-map-from");
  var toInput = document.getElementById("citation-map-to");
  var countOutput = document.getElementById("citation-map-count");
  var viewBox = svg.viewBox.baseVal;

  var elements = Array.prototype.slice.call(svg.querySelectorAll(".map-node"));
  var lines = Array.prototype.slice.call(svg.querySelectorAll(".map-edges line"));
  var papers = [];
  elements.forEach(function (el) {
    var index = Number(el.getAttribute("data-index"));
    var year = el.getAttribute("data-year");
    papers[index] = {
      el: el,
      title: el.getAttribute("data-title") || "",
      abbr: el.getAttribute("data-abbr") || "",
      search: ((el.getAttribute("data-title") || "") + "\n" + (el.getAttribute("data-abbr") || "")).toLowerCase(),
      year: year ? Number(year) : null,
      venue: el.getAttribute("data-venue") || "",
      mechanisms: (el.getAttribute("data-mechanisms") || "").split("\t").filter(Boolean),
      community: el.getAttribute("data-community") || "",
      cluster: el.getAttribute("data-cluster") || "",
      pagerank: Number(el.getAttribute("data-pagerank")) || 0,
      citations: el.getAttribute("data-citations") || "0",
      url: el.getAttribute("data-url") || "",
      missing: el.classList.contains("is-missing"),
      references: [],
      citers: [],
      lines: [],
      visible: true
    };
  });
  lines.forEach(function (line) {
    var source = papers[Number(line.getAttribute("data-source"))];
    var target = papers[Number(line.getAttribute("data-target"))];
    if (!source || !target) {
      return;
    }
    source.references.push(target);
    target.citers.push(source);
    source.lines.push(line);
    target.lines.push(line);
    line.citegraphEnds = [source, target];
  });
  var byElement = new Map();
  papers.forEach(function (paper) {
    if (paper) {
      byElement.set(paper.el, paper);
    }
  });

  // Labels: every paper's name, over the edges and the circles, LABEL_PX on screen at every
  // zoom level, shown by importance (the clicked paper, its neighbours and the search hits
  // first, then by PageRank) on the first free spot of four around its circle (above, below,
  // right, left), never overlapping a label already shown, as VOSviewer does.
  var LABEL_PX = 12;
  var labelsGroup = svg.querySelector(".map-labels");
  Array.prototype.forEach.call(svg.querySelectorAll(".map-label"), function (text) {
    var paper = papers[Number(text.getAttribute("data-for"))];
    if (!paper) {
      return;
    }
    var circle = paper.el.querySelector("circle");
    paper.label = text;
    paper.cx = Number(circle.getAttribute("cx"));
    paper.cy = Number(circle.getAttribute("cy"));
    paper.r = Number(circle.getAttribute("r"));
  });
  // Each label's width per unit of font size, measured once.
  if (labelsGroup) {
    labelsGroup.style.fontSize = "100px";
    papers.forEach(function (p) {
      if (p && p.label) {
        var width = 0;
        try {
          width = p.label.getComputedTextLength();
        } catch (e) {
          width = 0;
        }
        p.labelRatio = width > 0 ? width / 100 : 0.6 * p.label.textContent.length;
      }
    });
  }
  var labelsShown = [];
  function placeLabels() {
    if (!labelsGroup) {
      return;
    }
    var u = unitsPerPixel();
    // Inline, so that it wins over the style sheet's size (the one shown without the script).
    labelsGroup.style.fontSize = (LABEL_PX * u / view.k).toFixed(4) + "px";
    var query = search.value.trim();
    var related = function (p) {
      return selected && (selected.references.indexOf(p) !== -1 || selected.citers.indexOf(p) !== -1);
    };
    var rank = function (p) {
      if (p === selected) {
        return 0;
      }
      if (related(p)) {
        return 1;
      }
      // While a search is on, the visible papers are its hits.
      return query !== "" ? 2 : 3;
    };
    var order = papers.filter(function (p) {
      return p && p.label && p.visible && (!selected || rank(p) < 2);
    });
    order.sort(function (a, b) { return rank(a) - rank(b) || b.pagerank - a.pagerank; });
    var placed = [];
    var h = LABEL_PX * u * 1.3;
    var gap = 2 * u;
    labelsShown = [];
    papers.forEach(function (p) {
      if (p && p.label) {
        p.label.classList.remove("is-shown");
      }
    });
    order.forEach(function (p) {
      var sx = p.cx * view.k + view.x;
      var sy = p.cy * view.k + view.y;
      if (sx < 0 || sy < 0 || sx > viewBox.width || sy > viewBox.height) {
        return;
      }
      var r = p.r * view.k;
      var w = p.labelRatio * LABEL_PX * u + 2 * u;
      var spots = [
        [sx - w / 2, sy - r - gap - h],
        [sx - w / 2, sy + r + gap],
        [sx + r + gap, sy - h / 2],
        [sx - r - gap - w, sy - h / 2]
      ];
      for (var i = 0; i < spots.length; i++) {
        var box = { x0: spots[i][0], y0: spots[i][1], x1: spots[i][0] + w, y1: spots[i][1] + h };
        if (box.x0 < 0 || box.y0 < 0 || box.x1 > viewBox.width || box.y1 > viewBox.height) {
          continue;
        }
        var free = placed.every(function (b) {
          return box.x1 <= b.x0 || b.x1 <= box.x0 || box.y1 <= b.y0 || b.y1 <= box.y0;
        });
        if (free) {
          placed.push(box);
          p.label.setAttribute("x", (((box.x0 + box.x1) / 2 - view.x) / view.k).toFixed(2));
          p.label.setAttribute("y", ((box.y1 - 0.28 * h - view.y) / view.k).toFixed(2));
          p.label.classList.add("is-shown");
          labelsShown.push(p);
          return;
        }
      }
    });
    svg.setAttribute("data-labels", String(labelsShown.length));
  }

  // Pan and zoom: one transform on the viewport group.
  var view = { x: 0, y: 0, k: 1 };
  function applyView() {
    viewport.setAttribute("transform", "translate(" + view.x + " " + view.y + ") scale(" + view.k + ")");
    placeLabels();
  }
  function unitsPerPixel() {
    var rect = svg.getBoundingClientRect();
    return rect.width > 0 ? viewBox.width / rect.width : 1;
  }
  function zoomAt(factor, cx, cy) {
    var k = Math.min(40, Math.max(0.5, view.k * factor));
    factor = k / view.k;
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.k = k;
    applyView();
  }
  function zoomCentre(factor) {
    zoomAt(factor, viewBox.width / 2, viewBox.height / 2);
  }
  function resetView() {
    view = { x: 0, y: 0, k: 1 };
    applyView();
  }
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var rect = svg.getBoundingClientRect();
    var scale = unitsPerPixel();
    zoomAt(event.deltaY < 0 ? 1.2 : 1 / 1.2, (event.clientX - rect.left) * scale, (event.clientY - rect.top) * scale);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) {
      return;
    }
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) {
      return;
    }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) {
      return;
    }
    if (!drag.moved) {
      drag.moved = true;
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("is-dragging");
    }
    var scale = unitsPerPixel();
    view.x = drag.vx + dx * scale;
    view.y = drag.vy + dy * scale;
    applyView();
  });
  function endDrag(event) {
    if (drag && drag.moved) {
      svg.classList.remove("is-dragging");
      if (svg.hasPointerCapture(event.pointerId)) {
        svg.releasePointerCapture(event.pointerId);
      }
      // A drag is not a click.
      svg.citegraphDragged = true;
    }
    drag = null;
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  document.getElementById("citation-map-zoom-in").addEventListener("click", function () { zoomCentre(1.4); });
  document.getElementById("citation-map-zoom-out").addEventListener("click", function () { zoomCentre(1 / 1.4); });

  // The card.
  var selected = null;
  // Mechanisms by the names the filter and the legend give them.
  var mechanismNames = {};
  Array.prototype.forEach.call(mechanismSelect.options, function (option) {
    if (option.value) {
      mechanismNames[option.value] = option.textContent;
    }
  });
  function mechanismName(name) {
    return mechanismNames[name] || name;
  }
  // Two significant digits, written out in full down to 1e-6 (0.00012), in e-notation below.
  function formatPagerank(value) {
    if (!(value > 0)) {
      return "0";
    }
    return value.toPrecision(2);
  }
  function add(parent, tag, text, className) {
    var child = document.createElement(tag);
    if (text !== undefined) {
      child.textContent = text;
    }
    if (className) {
      child.className = className;
    }
    parent.appendChild(child);
    return child;
  }
  function showCard(paper) {
    card.textContent = "";
    if (!paper) {
      add(card, "p", "Hover, focus or click a paper to see its card.", "map-card-hint");
      return;
    }
    add(card, "h3", paper.title || "(untitled)");
    var where = [];
    if (paper.abbr) {
      where.push(paper.abbr);
    }
    where.push(paper.year === null ? "year unknown" : String(paper.year));
    if (paper.venue) {
      where.push(paper.venue);
    }
    add(card, "p", where.join(" · "), "map-card-where");
    var facts = add(card, "dl");
    add(facts, "dt", paper.missing ? "Predicted mechanism" : (paper.mechanisms.length > 1 ? "Mechanisms" : "Mechanism"));
    add(facts, "dd", paper.mechanisms.map(mechanismName).join(", ") || "Unspecified");
    if (paper.cluster) {
      add(facts, "dt", "Cluster");
      add(facts, "dd", paper.cluster);
    }
    add(facts, "dt", "PageRank");
    add(facts, "dd", formatPagerank(paper.pagerank));
    add(facts, "dt", "Catalogue citations");
    add(facts, "dd", paper.citations);
    add(facts, "dt", "Cites / cited by (on the map)");
    add(facts, "dd", paper.references.length + " / " + paper.citers.length);
    if (paper.missing) {
      add(card, "p", "Not in the list: the citation graph suggests adding it.", "map-card-missing");
    }
    if (paper.url) {
      var link = add(card, "a", "Open the paper");
      link.href = paper.url;
      link.rel = "noopener noreferrer";
    }
    if (paper === selected) {
      add(card, "p", "Blue rings: the papers it cites. Orange rings: the papers citing it. Click it again or press Escape to clear.", "map-card-hint");
    }
  }
  function hover(paper) {
    showCard(paper || selected);
  }
  elements.forEach(function (el) {
    var paper = byElement.get(el);
    el.addEventListener("mouseenter", function () { hover(paper); });
    el.addEventListener("mouseleave", function () { hover(null); });
    el.addEventListener("focus", function () { hover(paper); });
  });

  // Highlighting a paper's references and citers.
  function clearSelection() {
    if (!selected) {
      return;
    }
    svg.classList.remove("has-selection");
    selected.el.classList.remove("is-selected");
    selected.el.setAttribute("aria-pressed", "false");
    selected.references.forEach(function (p) { p.el.classList.remove("is-reference"); });
    selected.citers.forEach(function (p) { p.el.classList.remove("is-citer"); });
    selected.lines.forEach(function (line) { line.classList.remove("is-active"); });
    selected = null;
    placeLabels();
  }
  function select(paper) {
    var same = paper === selected;
    clearSelection();
    if (same || !paper) {
      showCard(null);
      return;
    }
    selected = paper;
    svg.classList.add("has-selection");
    paper.el.classList.add("is-selected");
    paper.el.setAttribute("aria-pressed", "true");
    paper.references.forEach(function (p) { p.el.classList.add("is-reference"); });
    paper.citers.forEach(function (p) { p.el.classList.add("is-citer"); });
    paper.lines.forEach(function (line) { line.classList.add("is-active"); });
    showCard(paper);
    placeLabels();
  }
  svg.addEventListener("click", function (event) {
    if (svg.citegraphDragged) {
      svg.citegraphDragged = false;
      return;
    }
    var el = event.target.closest ? event.target.closest(".map-node") : null;
    select(el ? byElement.get(el) : null);
  });

  // Keyboard: Enter or Space selects the focused paper; arrows pan; + and - zoom; 0 resets;
  // Escape clears the highlight.
  svg.addEventListener("keydown", function (event) {
    var step = 40 / view.k;
    var el = event.target.closest ? event.target.closest(".map-node") : null;
    switch (event.key) {
      case "Enter":
      case " ":
        if (el) {
          select(byElement.get(el));
          event.preventDefault();
        }
        return;
      case "Escape":
        select(null);
        return;
      case "+":
      case "=":
        zoomCentre(1.4);
        break;
      case "-":
      case "_":
        zoomCentre(1 / 1.4);
        break;
      case "0":
        resetView();
        break;
      case "ArrowLeft":
        view.x += step * view.k;
        applyView();
        break;
      case "ArrowRight":
        view.x -= step * view.k;
        applyView();
        break;
      case "ArrowUp":
        view.y += step * view.k;
        applyView();
        break;
      case "ArrowDown":
        view.y -= step * view.k;
        applyView();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Filters and search.
  var total = elements.length;
  function yearValue(input, fallback) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? fallback : value;
  }
  var firstYear = yearValue(fromInput, -Infinity);
  var lastYear = yearValue(toInput, Infinity);
  function applyFilters() {
    var query = search.value.trim().toLowerCase();
    var mechanism = mechanismSelect.value;
    var community = communitySelect.value;
    var from = yearValue(fromInput, firstYear);
    var to = yearValue(toInput, lastYear);
    // An inverted range (from after to) is read the other way round, and said so.
    var swapped = from > to;
    if (swapped) {
      var earlier = to;
      to = from;
      from = earlier;
    }
    fromInput.classList.toggle("is-swapped", swapped);
    toInput.classList.toggle("is-swapped", swapped);
    var wholeRange = from <= firstYear && to >= lastYear;
    var shown = 0;
    papers.forEach(function (paper) {
      if (!paper) {
        return;
      }
      var visible = (query === "" || paper.search.indexOf(query) !== -1) &&
        (mechanism === "" || paper.mechanisms.indexOf(mechanism) !== -1) &&
        (community === "" || paper.community === community) &&
        (paper.year === null ? wholeRange : paper.year >= from && paper.year <= to);
      paper.visible = visible;
      paper.el.classList.toggle("is-hidden", !visible);
      if (visible) {
        shown += 1;
      }
    });
    lines.forEach(function (line) {
      var ends = line.citegraphEnds;
      line.classList.toggle("is-hidden", !ends || !ends[0].visible || !ends[1].visible);
    });
    var count = shown === total ? total + " papers" : shown + " of " + total + " papers shown";
    if (query !== "") {
      count += " matching \u201c" + search.value.trim() + "\u201d";
    }
    if (swapped) {
      count += " (years read as " + from + "\u2013" + to + ")";
    }
    countOutput.textContent = count;
    placeLabels();
  }
  [search, fromInput, toInput].forEach(function (input) { input.addEventListener("input", applyFilters); });
  [mechanismSelect, communitySelect].forEach(function (input) { input.addEventListener("change", applyFilters); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      // Enter in the search box focuses the best match: an exact abbreviation or title first,
      // then one that starts with the query, then any; among equals the higher PageRank.
      var query = search.value.trim().toLowerCase();
      var rank = function (p) {
        if (p.abbr.toLowerCase() === query || p.title.toLowerCase() === query) {
          return 0;
        }
        if (p.abbr.toLowerCase().indexOf(query) === 0 || p.title.toLowerCase().indexOf(query) === 0) {
          return 1;
        }
        return 2;
      };
      var first = null;
      papers.forEach(function (p) {
        if (p && p.visible && (first === null || rank(p) < rank(first) ||
            (rank(p) === rank(first) && p.pagerank > first.pagerank))) {
          first = p;
        }
      });
      if (first) {
        first.el.focus();
        event.preventDefault();
      }
    }
  });

  // Reset: the whole map again, unzoomed, no filter, no search, no highlight.
  document.getElementById("citation-map-reset").addEventListener("click", function () {
    search.value = "";
    mechanismSelect.value = "";
    communitySelect.value = "";
    fromInput.value = fromInput.defaultValue;
    toInput.value = toInput.defaultValue;
    select(null);
    resetView();
    applyFilters();
  });

  applyView();
  applyFilters();
  showCard(null);
  // The frame's width changes the units of a screen pixel: place the labels again.
  window.addEventListener("resize", placeLabels);
  svg.setAttribute("data-ready", "true");
})();
