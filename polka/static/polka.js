// POLKA's only script: progressive enhancement. Every task works without it.
// Loaded as an ES module from 'self' (the Content-Security-Policy allows no inline script), so the
// classes GOV.UK Frontend's template would set inline are set here, before the components start.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Tables: on a phone each row becomes a card of "Header: value" lines (see polka.scss). Each cell
// gets its column's header as `data-label`. While a table is shown as cards, explicit ARIA roles
// keep its meaning for screen readers whose browsers drop it when CSS changes a table's display;
// at wider screens it is a plain table again and the roles go (HTML forbids restating them there).
function stackTable(table) {
  const headers = Array.from(table.querySelectorAll(":scope > thead > tr:first-child > th"), (th) =>
    th.textContent.replace(/\s+/g, " ").trim(),
  );
  if (headers.length === 0) {
    return [];
  }
  const roles = [[table, "table"]];
  for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
    roles.push([group, "rowgroup"]);
  }
  for (const row of table.querySelectorAll(":scope > thead > tr, :scope > tbody > tr")) {
    roles.push([row, "row"]);
    let column = 0;
    for (const cell of row.children) {
      const inHead = row.parentElement.tagName === "THEAD";
      if (cell.tagName === "TH") {
        roles.push([cell, inHead || cell.getAttribute("scope") !== "row" ? "columnheader" : "rowheader"]);
      } else {
        roles.push([cell, "cell"]);
      }
      if (!inHead && headers[column]) {
        cell.dataset.label = headers[column];
      }
      column += cell.colSpan || 1;
    }
  }
  table.classList.add("polka-table--stacked");
  return roles;
}

const tableRoles = Array.from(document.querySelectorAll("table.govuk-table"), stackTable).flat();
if (tableRoles.length > 0) {
  const tablet = getComputedStyle(document.documentElement).getPropertyValue("--govuk-breakpoint-tablet");
  const wide = window.matchMedia(`(min-width: ${tablet.trim() || "40.0625rem"})`);
  const applyRoles = () => {
    for (const [element, role] of tableRoles) {
      if (wide.matches) {
        element.removeAttribute("role");
      } else {
        element.setAttribute("role", role);
      }
    }
  };
  applyRoles();
  wide.addEventListener("change", applyRoles);
}

// Upload forms (the document library): drop files, check sizes first, one progress bar per file.
if (document.querySelector('form[data-module="polka-upload"]')) {
  import("./upload.js").then((upload) => upload.init());
}

// Long edits: drafts saved on the server as the author types, and a question before leaving changes.
if (document.querySelector("form[data-draft-url]")) {
  import("./drafts.js").then((drafts) => drafts.init());
}

// Markdown editors (wiki pages): a formatting toolbar and pickers for page and document links.
if (document.querySelector('[data-module="polka-editor"]')) {
  import("./editor.js").then((editor) => editor.init());
}

// Forum posts: quote a selected part of a post, and choose whom to mention as one types @.
if (document.querySelector('form[data-module="polka-forum-writer"]')) {
  import("./forum.js").then((forum) => forum.init());
}

// Signed-in pages: warn before the session times out, with a choice to stay signed in.
const timeoutDialog = document.querySelector('dialog[data-module="polka-timeout"]');
if (timeoutDialog) {
  import("./timeout.js").then((timeout) => timeout.init(timeoutDialog));
}

// Addresses to copy (calendar subscriptions): a "Copy" button beside each.
if (document.querySelector("input[data-polka-copy]")) {
  import("./copy.js").then((copy) => copy.init());
}

// A document's page while its text is being read: the preview appears by itself when it is ready.
if (document.querySelector("[data-polka-extraction]")) {
  import("./extraction.js").then((extraction) => extraction.init());
}

// A question session's page and its moderators' queue: new questions, votes and answers appear by
// themselves (without this module the page says to refresh, and every form still works).
if (document.querySelector("[data-live-updates]")) {
  import("./live.js").then((live) => live.init());
}
