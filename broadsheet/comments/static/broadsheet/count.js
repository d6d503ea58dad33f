/* Comment counts for index pages: <a href="/post/1/" data-broadsheet-count>Comments</a> ...
   <script src="https://news.example/static/broadsheet/count.js" defer></script>. Each marked
   element's text becomes "3 comments" (translated); data-broadsheet-count="/other/" names
   another page than the link's. One request per 50 pages. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var api = new URL(script.src).origin + "/api/counts";
  var byUri = {};
  document.querySelectorAll("[data-broadsheet-count]").forEach(function (node) {
    var named = node.getAttribute("data-broadsheet-count") || node.getAttribute("href") || location.pathname;
    var url = new URL(named, location.href);
    var uri = url.origin + url.pathname;
    (byUri[uri] = byUri[uri] || []).push(node);
  });
  var uris = Object.keys(byUri);
  for (var start = 0; start < uris.length; start += 50) {
    var query = uris.slice(start, start + 50).map(function (uri) {
      return "uri=" + encodeURIComponent(uri);
    }).join("&");
    fetch(api + "?" + query, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { counts: [] }; })
      .then(function (answer) {
        answer.counts.forEach(function (count) {
          (byUri[count.uri] || []).forEach(function (node) { node.textContent = count.label; });
        });
      }, function () { /* the links keep their own text */ });
  }
})();
