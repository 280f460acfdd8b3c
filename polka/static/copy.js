// Addresses to copy (a calendar subscription, a feed): a "Copy" button beside each read-only field
// marked ``data-polka-copy``, saying politely to screen readers that it was copied. Without this
// script the field is still there to select and copy by hand.

async function copied(field) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(field.value);
    return;
  }
  field.select(); // plain http on the restricted network: the older way still copies a selection
  if (!document.execCommand("copy")) {
    throw new Error("copy refused");
  }
}

function addButton(field) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary polka-copy__button";
  button.textContent = "Copy";
  const label = document.querySelector(`label[for="${field.id}"]`);
  const hidden = document.createElement("span");
  hidden.className = "govuk-visually-hidden";
  hidden.textContent = label ? ` ${label.textContent.trim()}` : " the address";
  button.append(hidden);
  const news = document.createElement("span");
  news.className = "govuk-body-s polka-copy__news";
  news.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await copied(field);
      news.textContent = "Copied";
    } catch {
      field.select();
      news.textContent = "Press Ctrl+C to copy the selected address";
    }
  });
  field.after(button, news);
}

export function init() {
  for (const field of document.querySelectorAll("input[data-polka-copy]")) {
    addButton(field);
  }
}
