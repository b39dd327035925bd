// The few lines of script the pages need (docs/adr/025-console-and-portal.md): htmx sends the
// page's CSRF token with every request it makes, as Flask-WTF expects in X-CSRFToken.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// A chart is drawn from the table that follows it (the table stays for screen readers and
// for anyone without script): <canvas data-chart="bar|line" data-table="id-of-table">.
// The table's first column labels the points; each further column is one series.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var table = document.getElementById(canvas.dataset.table);
    if (!table) {
      return;
    }
    var headers = Array.from(table.querySelectorAll("thead th")).map(function (th) { return th.textContent.trim(); });
    var rows = Array.from(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (tr) { return tr.cells[0].textContent.trim(); });
    var datasets = headers.slice(1).map(function (header, column) {
      return {
        label: header,
        data: rows.map(function (tr) { return Number(tr.cells[column + 1].dataset.value); }),
      };
    });
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    });
  });
});
