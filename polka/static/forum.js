// The forum's post forms (progressive enhancement: without this module, Quote opens the reply form
// with the whole post quoted, and a mention is typed as @handle, which the server checks on posting).
//
// Quote: Quote under a post puts the part of it the reader has selected (or, with nothing selected,
// the whole post) in a quote naming the post, at the cursor in the reply box, without leaving the
// page, so nothing typed is lost.
// Mentions: typing @ and a few letters lists the people who may read the topic (the server trims the
// list to them). The list follows the text box (aria-controls, aria-activedescendant); arrow keys
// move in it, Enter or Tab picks, Escape closes, and a status line says how many were found.

import { fillOptions, highlight, replaceRange } from "./choosing.js";

const SEARCH_DELAY_MS = 200;
// The word being typed at the cursor when it is a mention: an @ not inside a word or an address.
const TYPING_MENTION = /(?:^|[^A-Za-z0-9@._\-/+])@([a-z0-9-]{1,40})$/;


// The words of a post as shown, without the quotes it holds itself.
function ownWords(body) {
  return Array.from(body.children)
    .filter((child) => !child.classList.contains("polka-quote"))
    .map((child) => child.innerText.trim())
    .filter(Boolean)
    .join("\n\n");
}

// The words selected in a post, and the post they are quoted from: words selected inside a quote the
// post holds are the quoted post's.
function selectedIn(body, post) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed) {
    return null;
  }
  if (!body.contains(selection.anchorNode) || !body.contains(selection.focusNode)) {
    return null;
  }
  const common = selection.getRangeAt(0).commonAncestorContainer;
  const quote = (common.nodeType === Node.ELEMENT_NODE ? common : common.parentElement).closest(".polka-quote[data-post]");
  const text = selection.toString().trim();
  return text ? { text, post: quote && body.contains(quote) ? quote.dataset.post : post } : null;
}

function initQuotes(textarea) {
  for (const link of document.querySelectorAll("a[data-quote-post]")) {
    const body = link.closest("article")?.querySelector(".polka-post__body");
    if (!body) {
      continue; // the server quotes the whole post
    }
    // Pressing on the link ends the selection before the click: keep what was selected then.
    let selected = null;
    link.addEventListener("mousedown", () => {
      selected = selectedIn(body, link.dataset.quotePost);
    });
    link.addEventListener("click", (event) => {
      const chosen = selectedIn(body, link.dataset.quotePost) ||
        selected || { text: ownWords(body), post: link.dataset.quotePost };
      selected = null;
      if (!chosen.text) {
        return;
      }
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end, value } = textarea;
      const before = value.slice(0, start);
      const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      replaceRange(textarea, start, end, `${gap}[quote=post:${chosen.post}]\n${chosen.text}\n[/quote]\n\n`);
      textarea.scrollIntoView({ block: "center" });
    });
  }
}

class MentionPicker {
  constructor(form, textarea) {
    this.form = form;
    this.textarea = textarea;
    this.url = form.dataset.mentionUrl;
    this.timer = null;
    this.request = 0;
    this.active = -1;
    this.found = null; // { start, end } of the @word being completed

    this.list = document.createElement("ul");
    this.list.id = `${textarea.id}-people`;
    this.list.className = "polka-picker__list polka-mentions";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "People to mention");
    this.list.hidden = true;
    this.status = document.createElement("div");
    this.status.className = "govuk-visually-hidden";
    this.status.setAttribute("role", "status");
    textarea.after(this.list, this.status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", this.list.id);

    textarea.addEventListener("input", () => this.onInput());
    textarea.addEventListener("keydown", (event) => this.onKey(event));
    textarea.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
    this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) {
        this.pick(Number(option.dataset.index));
      }
    });
  }

  typing() {
    const { selectionStart: caret, selectionEnd, value } = this.textarea;
    if (caret !== selectionEnd) {
      return null;
    }
    const match = TYPING_MENTION.exec(value.slice(0, caret));
    return match ? { words: match[1], start: caret - match[1].length - 1, end: caret } : null;
  }

  onInput() {
    window.clearTimeout(this.timer);
    const found = this.typing();
    if (!found) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(() => this.search(found), SEARCH_DELAY_MS);
  }

  async search(found) {
    const request = ++this.request;
    const url = new URL(this.url, window.location.href);
    url.searchParams.set("q", found.words);
    const marking = this.form.querySelector('input[name="marking"]:checked');
    if (marking) {
      url.searchParams.set("marking", marking.value);
    }
    let people = [];
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!answer.ok) {
        throw new Error("status " + answer.status);
      }
      people = (await answer.json()).people;
    } catch {
      if (request === this.request) {
        this.close();
        this.status.textContent = "The list of people to mention could not be loaded. Type their @name yourself.";
      }
      return;
    }
    if (request !== this.request) {
      return; // a later search is on its way
    }
    this.show(found, people);
  }

  show(found, people) {
    this.found = found;
    this.people = people;
    this.active = -1;
    fillOptions(this.list, people, (person) => ({
      title: person.name,
      detail: `@${person.handle}${person.organisation ? ", " + person.organisation : ""}`,
    }));
    this.list.hidden = people.length === 0;
    this.textarea.removeAttribute("aria-activedescendant");
    this.status.textContent =
      people.length === 0
        ? `Nobody who can read this matches “${found.words}”.`
        : `${people.length} ${people.length === 1 ? "person" : "people"} found. Use the down arrow key to choose, then Enter.`;
  }

  close() {
    this.list.hidden = true;
    this.list.replaceChildren();
    this.people = [];
    this.active = -1;
    this.textarea.removeAttribute("aria-activedescendant");
  }

  move(step) {
    const count = this.list.children.length;
    if (count > 0) {
      this.active = highlight(this.list, this.textarea, this.active, (this.active + step + count) % count);
    }
  }

  pick(index) {
    const person = this.people[index];
    if (!person || !this.found) {
      return;
    }
    const { start, end } = this.found;
    this.close();
    replaceRange(this.textarea, start, end, `@${person.handle} `);
    this.status.textContent = `${person.name} mentioned.`;
  }

  onKey(event) {
    if (this.list.hidden) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if ((event.key === "Enter" || event.key === "Tab") && this.active >= 0) {
      event.preventDefault();
      this.pick(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  }
}

export function init() {
  for (const form of document.querySelectorAll('form[data-module="polka-forum-writer"]')) {
    const textarea = form.querySelector("textarea");
    if (!textarea) {
      continue;
    }
    initQuotes(textarea);
    new MentionPicker(form, textarea);
  }
}
