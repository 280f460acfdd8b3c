// POLKA's only script: progressive enhancement. Every task works without it.
// Loaded as an ES module from 'self' (the Content-Security-Policy allows no inline script), so the
// classes GOV.UK Frontend's template would set inline are set here, before the components start.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Tables: on a phone each row becomes a card of "Header: value" lines (see polka.scss). Each cell
// gets its column's header as `data-label`; explicit ARIA roles keep the table's meaning for
// screen readers whose browsers drop it when CSS changes a table's display.
function stackTable(table) {
  const headers = Array.from(table.querySelectorAll(":scope > thead > tr:first-child > th"), (th) =>
    th.textContent.replace(/\s+/g, " ").trim(),
  );
  if (headers.length === 0) {
    return;
  }
  table.setAttribute("role", "table");
  for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
    group.setAttribute("role", "rowgroup");
  }
  for (const row of table.querySelectorAll(":scope > thead > tr, :scope > tbody > tr")) {
    row.setAttribute("role", "row");
    let column = 0;
    for (const cell of row.children) {
      const inHead = row.parentElement.tagName === "THEAD";
      if (cell.tagName === "TH") {
        cell.setAttribute("role", inHead || cell.getAttribute("scope") !== "row" ? "columnheader" : "rowheader");
      } else {
        cell.setAttribute("role", "cell");
      }
      if (!inHead && headers[column]) {
        cell.dataset.label = headers[column];
      }
      column += cell.colSpan || 1;
    }
  }
  table.classList.add("polka-table--stacked");
}

for (const table of document.querySelectorAll("table.govuk-table")) {
  stackTable(table);
}

// Upload forms (the document library): drop files, check sizes first, one progress bar per file.
if (document.querySelector('form[data-module="polka-upload"]')) {
  import("./upload.js").then((upload) => upload.init());
}

// A document's page while its text is being read: the preview appears by itself when it is ready.
if (document.querySelector("[data-polka-extraction]")) {
  import("./extraction.js").then((extraction) => extraction.init());
}
