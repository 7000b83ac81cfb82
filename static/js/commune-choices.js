// While the resident types a postal code or a commune name, offer the matching communes as
// radio buttons (the same list the server shows after a submit when JavaScript is off).
(function () {
  "use strict";
  var input = document.getElementById("id_commune_query");
  var box = document.getElementById("commune-choices");
  if (!input || !box || !window.fetch) {
    return;
  }
  var timer = null;
  var controller = null;

  function refresh() {
    var query = input.value.trim();
    if (query.length < 2) {
      box.innerHTML = "";
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
      signal: controller.signal,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html;
        }
      })
      .catch(function () {
        // Aborted or offline: the form still works, the server finds the commune on submit.
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
