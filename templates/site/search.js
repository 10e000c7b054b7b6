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
  function update() {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    articles.forEach(function (a) {
      var text = a.textContent.toLowerCase();
      var hit = matches(a) && words.every(function (w) { return text.indexOf(w) >= 0; });
      a.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = words.length || chosen ? shown + " / " + articles.length : "";
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
})();
