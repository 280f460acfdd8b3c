// Upload forms, enhanced: files can be dropped on the file field, each file is checked against the
// size limit before anything is sent, and each is sent on its own with a progress bar, so one large
// file never hides the others' progress and one refused file does not refuse the rest. Without this
// script the same form posts every file at once and the server gives the same answers as pages.

function describeSize(bytes) {
  if (bytes >= 1024 * 1024) {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

// A GOV.UK error summary at the top of the page, listing `messages`, focused for screen readers.
function showErrors(form, messages) {
  const old = document.querySelector("[data-polka-upload-errors]");
  if (old) {
    old.remove();
  }
  if (messages.length === 0) {
    return;
  }
  const input = form.querySelector('input[type="file"]');
  const summary = element("div", { class: "govuk-error-summary", "data-polka-upload-errors": "", tabindex: "-1" });
  const alert = element("div", { role: "alert" });
  alert.append(element("h2", { class: "govuk-error-summary__title" }, "There is a problem"));
  const list = element("ul", { class: "govuk-list govuk-error-summary__list" });
  for (const message of messages) {
    const item = element("li");
    item.append(element("a", { href: `#${input.id}` }, message));
    list.append(item);
  }
  const body = element("div", { class: "govuk-error-summary__body" });
  body.append(list);
  alert.append(body);
  summary.append(alert);
  const main = document.querySelector("main") || document.body;
  main.prepend(summary);
  summary.focus();
}

// The documents made and, for each file already in its folder, the choice the server offered (the same
// plain forms as the page without this script), above the form; the form keeps what was typed.
function showOutcome(form, stored, offered) {
  const old = document.querySelector("[data-polka-upload-outcome]");
  if (old) {
    old.remove();
  }
  const outcome = element("div", { "data-polka-upload-outcome": "" });
  if (stored.length) {
    const banner = element("div", {
      class: "govuk-notification-banner govuk-notification-banner--success",
      role: "region",
      "aria-labelledby": "uploaded-title",
      "data-polka-uploaded": "",
    });
    const header = element("div", { class: "govuk-notification-banner__header" });
    header.append(element("h2", { class: "govuk-notification-banner__title", id: "uploaded-title" }, "Uploaded"));
    const content = element("div", { class: "govuk-notification-banner__content" });
    const one = stored.length === 1;
    content.append(
      element(
        "p",
        { class: "govuk-notification-banner__heading" },
        `${stored.length} ${one ? "file has" : "files have"} been uploaded as ${one ? "a draft" : "drafts"}:`,
      ),
    );
    const list = element("ul", { class: "govuk-list" });
    for (const result of stored) {
      for (const made of result.body.documents || []) {
        const item = element("li");
        item.append(element("a", { class: "govuk-notification-banner__link", href: made.url }, made.title));
        item.append(` (${result.file.name})`);
        list.append(item);
      }
    }
    content.append(list);
    banner.append(header, content);
    outcome.append(banner);
  }
  if (offered.length) {
    outcome.append(element("h2", { class: "govuk-heading-m", id: "already-here", tabindex: "-1" }, "Already in this folder"));
    const token = form.querySelector('input[name="csrf_token"]');
    for (const result of offered) {
      const duplicate = result.body.duplicate;
      const box = element("div", { class: "govuk-inset-text polka-offer", "data-polka-offer": "" });
      const text = element("p", { class: "govuk-body" }, `${result.file.name} is already here as `);
      const link = element("a", { class: "govuk-link", href: duplicate.url });
      link.append(element("em", {}, duplicate.title));
      text.append(link, ". Nothing was stored: add it as a new version of that document, or keep both.");
      const choice = element("form", { method: "post", action: duplicate.action, novalidate: "" });
      choice.append(element("input", { type: "hidden", name: "csrf_token", value: token ? token.value : "" }));
      choice.append(element("input", { type: "hidden", name: "offer", value: duplicate.offer }));
      const buttons = element("div", { class: "govuk-button-group" });
      buttons.append(
        element("button", { type: "submit", name: "choice", value: "version", class: "govuk-button govuk-button--secondary" }, `Add as a new version of ${duplicate.title}`),
      );
      const both = element("button", { type: "submit", name: "choice", value: "both", class: "govuk-button govuk-button--secondary" }, "Keep both");
      both.append(element("span", { class: "govuk-visually-hidden" }, `: upload ${result.file.name} as a new document`));
      buttons.append(both);
      choice.append(buttons);
      box.append(text, choice);
      outcome.append(box);
    }
  }
  form.before(outcome);
}

// Send one file (with the form's other fields) and report progress; resolves to {ok, status, body}.
function sendOne(form, input, file, onProgress) {
  return new Promise((resolve) => {
    const data = new FormData(form);
    data.delete(input.name);
    data.append(input.name, file, file.name);
    const several = input.files.length > 1;
    if (several && data.has("title")) {
      data.set("title", "");
    }
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        onProgress(Math.round((event.loaded / event.total) * 100));
      }
    });
    request.addEventListener("load", () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = { error: request.status === 413 ? "The file is larger than the limit." : "The upload failed." };
      }
      resolve({ ok: request.status >= 200 && request.status < 300, status: request.status, body });
    });
    request.addEventListener("error", () => resolve({ ok: false, status: 0, body: { error: "The connection failed. Try again." } }));
    request.send(data);
  });
}

function enhanceDropzone(zone, input) {
  zone.classList.add("polka-dropzone--enhanced");
  const hint = element("p", { class: "govuk-body polka-dropzone__hint" }, "Drag files here, or choose them.");
  zone.prepend(hint);
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("polka-dropzone--over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("polka-dropzone--over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("polka-dropzone--over");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
}

function enhance(form) {
  const input = form.querySelector('input[type="file"]');
  const zone = form.querySelector("[data-polka-dropzone]");
  const progress = form.querySelector("[data-polka-progress]");
  const progressList = form.querySelector("[data-polka-progress-list]");
  if (!input || !progress || !progressList) {
    return;
  }
  if (zone) {
    enhanceDropzone(zone, input);
  }
  const maxBytes = Number(form.dataset.maxBytes);
  const maxMegabytes = Math.round(maxBytes / (1024 * 1024));
  const maxFiles = Number(form.dataset.maxFiles) || 1;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from(input.files);
    const problems = [];
    if (files.length === 0) {
      problems.push(maxFiles > 1 ? "Select one or more files to upload" : "Select the new version’s file");
    }
    if (files.length > maxFiles) {
      problems.push(`Upload at most ${maxFiles} files at a time`);
    }
    for (const file of files) {
      if (file.size > maxBytes) {
        problems.push(`${file.name} is larger than the ${maxMegabytes} MB limit (it is ${describeSize(file.size)})`);
      } else if (file.size === 0) {
        problems.push(`${file.name} is empty`);
      }
    }
    showErrors(form, problems);
    if (problems.length) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    progress.hidden = false;
    progressList.replaceChildren();
    const results = [];
    for (const file of files) {
      const item = element("li", { class: "polka-upload-progress__item" });
      const label = element("label", { class: "govuk-body-s", for: `progress-${results.length}` }, file.name);
      const bar = element("progress", { id: `progress-${results.length}`, max: "100", value: "0" });
      const status = element("span", { class: "govuk-body-s polka-upload-progress__status" }, "Waiting");
      item.append(label, bar, status);
      progressList.append(item);
      status.textContent = "Uploading";
      const result = await sendOne(form, input, file, (percent) => {
        bar.value = percent;
      });
      bar.value = 100;
      if (result.ok) {
        status.textContent = "Uploaded";
      } else {
        status.textContent = result.body.duplicate ? `Not stored: ${result.body.error}` : `Not uploaded: ${result.body.error}`;
      }
      results.push({ file, ...result });
    }
    button.disabled = false;
    const offered = results.filter((result) => !result.ok && result.body.duplicate);
    const failed = results.filter((result) => !result.ok && !result.body.duplicate);
    if (failed.length === 0 && offered.length === 0) {
      const first = results[0].body;
      const next = results.length === 1 ? first.url || (first.documents && first.documents[0].url) : form.dataset.doneUrl;
      window.location.assign(next || window.location.href);
      return;
    }
    showOutcome(
      form,
      results.filter((result) => result.ok),
      offered,
    );
    showErrors(form, failed.map((result) => `${result.file.name}: ${result.body.error}`));
    if (failed.length === 0) {
      document.getElementById("already-here").focus();
    }
  });
}

export function init() {
  for (const form of document.querySelectorAll('form[data-module="polka-upload"]')) {
    enhance(form);
  }
}
