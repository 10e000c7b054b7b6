(function () {
  var box = document.getElementById("search"), q = document.getElementById("q");
  if (!box || !q) return;
  box.hidden = false;
  var articles = Array.prototype.slice.call(document.querySelectorAll("article"));
  var count = document.getElementById("count");
  q.addEventListener("input", function () {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    articles.forEach(function (a) {
      var text = a.textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      a.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = words.length ? shown + " / " + articles.length : "";
  });
})();
