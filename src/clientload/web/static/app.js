// clientload web: draws the Plotly charts, fills the client type-ahead, polls a background job
// (recalculation, import), and updates the import's mapping screen when a list changes.
(function () {
  "use strict";
  var data = document.getElementById("chart-data");
  if (data && window.Plotly) {
    var charts = JSON.parse(data.textContent);
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var spec = charts[el.dataset.chart];
      if (spec) {
        window.Plotly.newPlot(el, spec.data, spec.layout, { displaylogo: false, responsive: true });
      }
    });
  }

  var options = document.getElementById("client-options");
  document.querySelectorAll("input.client-picker").forEach(function (input) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!input.value.trim()) { return; }
        fetch("/api/clients?q=" + encodeURIComponent(input.value), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            options.replaceChildren.apply(options, found.map(function (c) {
              var o = document.createElement("option");
              o.value = c.client_id;
              o.label = c.name || c.client_id;
              return o;
            }));
          });
      }, 200);
    });
  });

  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () {
      var update = document.getElementById("update-preview");
      if (field.form && update) { field.form.requestSubmit(update); }
    });
  });

  var job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    var url = job.dataset.poll || "/recalculate.json";
    var poll = setInterval(function () {
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          var j = s.job;
          var stage = document.getElementById("job-stage");
          var names = JSON.parse(stage.dataset.labels || "{}");
          stage.textContent = names[j.stage] || j.stage || "";
          document.getElementById("job-count").textContent = j.total ? j.done + " / " + j.total : "";
          var bar = document.getElementById("job-progress");
          bar.max = j.total || 1; bar.value = j.done || 0;
          if (j.state !== "running") { clearInterval(poll); window.location.reload(); }
        });
    }, 700);
  }
})();
