// Drafts of long edits (polka.drafts): what the author types is saved on the server every so often
// and when they leave the page, never in the browser's storage (workstations are shared). Leaving
// with changes not saved to the page asks first. Loaded by polka.js when a form has data-draft-url.
//
// data-draft-state, set by the server:
//   clean    the form holds what is saved; a draft is saved once something changes
//   held     a draft waits to be resumed or discarded: typing here must not overwrite it
//   resumed  the form holds the draft
//   unsaved  the form holds typing saved nowhere (shown again after a preview, an error or a clash)

const EVERY_MS = 30_000;

function snapshot(form) {
  const fields = [];
  for (const [name, value] of new FormData(form)) {
    if (name !== "csrf_token" && typeof value === "string") {
      fields.push([name, value]);
    }
  }
  return JSON.stringify(fields);
}

function watch(form) {
  const saveUrl = form.dataset.draftUrl;
  const discardUrl = form.dataset.draftDiscard;
  const status = form.querySelector(".polka-draft-status");
  let state = form.dataset.draftState;
  const initial = snapshot(form);
  // What the server holds for this form: the saved page (clean), the draft (held, resumed), nothing.
  let saved = state === "unsaved" ? null : initial;
  let draftSaved = state === "held" || state === "resumed";
  let leaving = false;
  let busy = false;
  let toldHeld = false;

  const say = (message) => {
    if (status && status.textContent !== message) {
      status.textContent = message;
    }
  };
  const changed = () => state === "unsaved" || snapshot(form) !== initial;
  const body = (withFields) => {
    const data = withFields ? new FormData(form) : new FormData();
    if (!withFields) {
      data.append("csrf_token", form.elements.csrf_token.value);
    }
    return data;
  };

  // What to do now: nothing, save the form as the draft, or (a clean form changed back) drop the draft.
  const next = () => {
    const now = snapshot(form);
    if (state === "held" || now === saved) {
      return null;
    }
    if (state === "clean" && now === initial) {
      return draftSaved ? "discard" : null;
    }
    return "save";
  };

  async function tick() {
    if (state === "held" && !toldHeld && snapshot(form) !== initial) {
      toldHeld = true;
      say(`Your draft from ${form.dataset.draftSaved} is kept: resume or discard it before new typing is saved as a draft.`);
    }
    const action = next();
    if (busy || leaving || action === null) {
      return;
    }
    busy = true;
    const now = snapshot(form);
    try {
      const response = await fetch(action === "save" ? saveUrl : discardUrl, {
        method: "POST",
        body: body(action === "save"),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      // Only POLKA's own JSON says it worked (a sign-in page in between would answer 200 too).
      if (response.ok && (answer.saved === true || answer.discarded === true)) {
        saved = now;
        draftSaved = action === "save";
        if (action === "save") {
          say(answer.message || "Draft saved");
        }
      } else {
        say(answer.error || "Your draft was not saved. Your text is still here: save the page to keep it.");
      }
    } catch {
      say("Your draft was not saved: POLKA could not be reached. Your text is still here.");
    } finally {
      busy = false;
    }
  }

  // Leaving (or hiding the tab, the last moment a phone may give): save what changed, in the background.
  function flush() {
    const action = next();
    if (leaving || action === null) {
      return;
    }
    if (navigator.sendBeacon(action === "save" ? saveUrl : discardUrl, body(action === "save"))) {
      saved = snapshot(form);
      draftSaved = action === "save";
    }
  }

  // Any form posted from this page (saving, preview, discarding the draft) is the author's choice: no
  // question, and no draft saved behind it (it could arrive after the save and bring the draft back).
  document.addEventListener("submit", (event) => {
    if (event.target.method === "post" && !event.defaultPrevented) {
      leaving = true;
    }
  });

  // Discarding a waiting draft after typing here: discard it in place, so the new typing stays (and
  // becomes the draft). With nothing typed, the ordinary form reloads the editor.
  const notice = document.querySelector(".polka-draft-notice");
  const discardForm = notice && notice.querySelector(`form[action="${discardUrl}"]`);
  if (discardForm && state === "held") {
    discardForm.addEventListener("submit", async (event) => {
      if (snapshot(form) === initial) {
        return;
      }
      event.preventDefault();
      busy = true;
      try {
        const response = await fetch(discardUrl, {
          method: "POST",
          body: body(false),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        const answer = await response.json().catch(() => ({}));
        if (!(response.ok && answer.discarded === true)) {
          say("Your draft was not discarded. Try again, or reload the page.");
          return;
        }
      } catch {
        say("Your draft was not discarded: POLKA could not be reached.");
        return;
      } finally {
        busy = false;
      }
      notice.remove();
      state = "unsaved";
      saved = null;
      draftSaved = false;
      form.querySelector("textarea, input:not([type=hidden])")?.focus();
      say("Your earlier draft has been discarded. What you typed here will be saved as your draft.");
      tick();
    });
  }
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      leaving = false; // back from the browser's history cache: the page is live again
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (!leaving && changed()) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the question only when this is set
    }
  });
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.setInterval(tick, EVERY_MS);
}

export function init() {
  for (const form of document.querySelectorAll("form[data-draft-url]")) {
    watch(form);
  }
}
