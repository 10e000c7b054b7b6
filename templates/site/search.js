(function () {
  var box = document.getElementById("search"), q = document.getElementById("q");
  if (!box || !q) return;
  box.hidden = false;
  var articles = Array.prototype.slice.call(document.querySelectorAll("article"));
  var chips = Array.prototype.slice.call(document.querySelectorAll(".chip"));
  var count = document.getElementById("count");
  var chosen = null; // {filter: "theme" | "tag", value}
  function matches(a) {
    if (!chosen) return true;
    if (chosen.filter === "theme") return a.getAttribute("data-theme") === chosen.value;
    return (a.getAttribute("data-tags") || "").split("|").indexOf(chosen.value) >= 0;
  }
  // This page: every article holding every word (works without the archive's index).
  function update() {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    articles.forEach(function (a) {
      var text = a.textContent.toLowerCase();
      var hit = matches(a) && words.every(function (w) { return text.indexOf(w) >= 0; });
      a.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = articles.length && (words.length || chosen) ? "本页 " + shown + " / " + articles.length : "";
  }
  chips.forEach(function (chip) {
    chip.addEventListener("click", function (e) {
      e.preventDefault();
      var value = chip.getAttribute("data-value"), filter = chip.getAttribute("data-filter");
      var same = chosen && chosen.filter === filter && chosen.value === value;
      chosen = same ? null : {filter: filter, value: value};
      chips.forEach(function (c) { c.classList.toggle("on", !same && c === chip); });
      update();
    });
  });
  q.addEventListener("input", update);

  // The archive: every day and digest, through the Pagefind index under pagefind/ (absent when
  // [site] search is off, unreachable from file://: then this page alone is searched).
  var results = document.getElementById("results"), hits = document.getElementById("hits");
  var found = document.getElementById("found"), facets = document.getElementById("facets");
  var dir = box.getAttribute("data-archive");
  if (!results || !dir || location.protocol === "file:") return;
  var base = new URL(dir, document.baseURI).href, pf = null, selects = {};
  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  function facet(name, values) {
    var keys = Object.keys(values).sort();
    if (name === "月份") keys.reverse();
    if (!keys.length) return;
    var label = document.createElement("label"), select = document.createElement("select");
    select.setAttribute("data-filter", name);
    option(select, "", name + "：全部");
    keys.forEach(function (k) { option(select, k, k + "（" + values[k] + "）"); });
    select.addEventListener("change", archive);
    label.appendChild(select);
    facets.appendChild(label);
    selects[name] = select;
  }
  // Only our own pages, beside this one: `2026-02-10.html#2602.07040` (Pagefind gives it rooted
  // at the site's path: `/papers/2026-02-10.html#…`).
  function safeUrl(url) {
    var u;
    try { u = new URL(String(url), location.href); } catch (e) { return null; }
    var name = u.pathname.split("/").pop() + u.hash;
    return u.origin === location.origin && /^[A-Za-z0-9._-]+\.html(#[A-Za-z0-9._\/-]+)?$/.test(name) ? name : null;
  }
  function show(list, total) {
    hits.textContent = "";
    list.forEach(function (d) {
      var li = document.createElement("li"), a = document.createElement("a");
      var url = safeUrl(d.url);
      a.textContent = d.meta.title || d.url;
      if (url) a.href = url;
      else li.setAttribute("data-refused", String(d.url));
      li.appendChild(a);
      var page = document.createElement("span");
      page.className = "muted";
      page.textContent = " · " + (d.meta.page || "");
      li.appendChild(page);
      if (d.meta.contribution) {
        var p = document.createElement("p");
        p.textContent = d.meta.contribution;
        li.appendChild(p);
      }
      hits.appendChild(li);
    });
    found.textContent = "（" + total + " 篇" + (total > list.length ? "，显示前 " + list.length + " 篇" : "") + "）";
    results.hidden = false;
  }
  function archive() {
    if (!pf) return;
    var filters = {}, any = false;
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) { filters[name] = selects[name].value; any = true; }
    });
    var words = q.value.trim();
    if (!words && !any) { results.hidden = true; return; }
    pf.debouncedSearch(words || null, {filters: filters}, 200).then(function (search) {
      if (!search) return; // a newer query replaced this one
      var total = search.results.length;
      return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); }))
        .then(function (list) { show(list, total); });
    }).catch(function (e) { console.warn("archive search failed:", e); });
  }
  // Loaded on first use (a page view that never searches costs nothing): the script, then the
  // newest quarter's index (the primary) with every older quarter's merged into it.
  var loading = null;
  function load() {
    if (loading) return;
    loading = import(base + "pagefind.js").then(function (m) {
      return m.options({basePath: base}).then(function () { return m.init(); }).then(function () {
        return fetch(base + "paperbrief-quarters.json").then(function (r) { return r.ok ? r.json() : []; });
      }).then(function (quarters) {
        var merges = (Array.isArray(quarters) ? quarters : []).filter(function (q) {
          return /^\d{4}-Q[1-4]$/.test(q);
        }).map(function (q) { return m.mergeIndex(base + "q/" + q + "/"); });
        return Promise.all(merges);
      }).then(function () {
        pf = m;
        return m.filters();
      });
    }).then(function (all) {
      ["月份", "标签", "阅读来源"].forEach(function (name) { if (all && all[name]) facet(name, all[name]); });
      facets.hidden = !facets.childNodes.length;
      q.placeholder = "搜索全部简报：标题、关键词或正文";
      q.addEventListener("input", archive);
      archive();
    }).catch(function () { /* no index here: this page alone is searched */ });
  }
  q.addEventListener("focus", load);
  q.addEventListener("input", load);
})();
