// A document's page while the text of its new version is being read: the page asks the server (the
// same access check as the page) every few seconds, and once the text is ready it swaps the fresh
// preview in and says so politely to screen readers. Without this script the page says to reload.

const FIRST_WAIT = 2000;
const LONGEST_WAIT = 15000;
const GIVE_UP_AFTER = 15 * 60 * 1000;

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`status ${response.status}`);
  }
  return response.json();
}

async function freshPreview(id) {
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`status ${response.status}`);
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  return page.getElementById(id);
}

function watch(region) {
  const news = document.querySelector("[data-polka-extraction-news]");
  const message = region.querySelector("[data-polka-pending-message]");
  const waiting = message ? message.textContent.replace(/\s*Reload the page in a minute\.\s*$/, "") : "";
  if (message) {
    message.textContent = `${waiting} This page will show it as soon as it is ready.`;
  }
  const started = Date.now();
  let wait = FIRST_WAIT;

  function later() {
    if (Date.now() - started > GIVE_UP_AFTER) {
      if (message) {
        message.textContent = `${waiting} It is taking longer than usual: reload the page later.`;
      }
      return;
    }
    window.setTimeout(check, wait);
    wait = Math.min(Math.round(wait * 1.5), LONGEST_WAIT);
  }

  async function check() {
    try {
      const status = await fetchJson(region.dataset.polkaExtraction);
      if (status.pending) {
        later();
        return;
      }
      const fresh = await freshPreview(region.id);
      if (!fresh) {
        later();
        return;
      }
      region.replaceWith(fresh);
      if (news) {
        news.textContent = "The document has been read: its preview is now shown.";
      }
    } catch {
      later();
    }
  }

  later();
}

export function init() {
  for (const region of document.querySelectorAll("[data-polka-extraction]")) {
    watch(region);
  }
}
