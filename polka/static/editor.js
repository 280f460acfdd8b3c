// The Markdown editor's toolbar and pickers (progressive enhancement: without this module the text
// box, the Markdown help link and the server-side Preview button do everything).
//
// The toolbar is one tab stop (roving tabindex: arrow keys, Home and End move along it). Its buttons
// wrap the selection in Markdown; "Document link" and "Page link" open a picker: an ARIA 1.2
// combobox whose listbox is filled from /c/<c>/wiki/-/pick as the writer types (the server trims the
// results to what the writer may see and writes the link to insert), announcing how many were found.

import { fillOptions, highlight, replaceRange } from "./choosing.js";

const SEARCH_DELAY_MS = 200;
const KINDS = {
  doc: { label: "Find a document to link to", one: "document", many: "documents" },
  page: { label: "Find a wiki page to link to", one: "page", many: "pages" },
};


function wrap(textarea, before, after, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const inner = value.slice(start, end) || placeholder;
  replaceRange(textarea, start, end, before + inner + after);
  textarea.setSelectionRange(start + before.length, start + before.length + inner.length);
}

// Put `prefix` before every line the selection touches (a heading, a list).
function prefixLines(textarea, prefix, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const from = value.lastIndexOf("\n", start - 1) + 1;
  let to = value.indexOf("\n", end > start && value[end - 1] === "\n" ? end - 1 : end);
  if (to === -1) {
    to = value.length;
  }
  const block = value.slice(from, to) || placeholder;
  const lines = block.split("\n").map((line) => (line.startsWith(prefix) ? line : prefix + line));
  const text = lines.join("\n");
  replaceRange(textarea, from, to, text);
  textarea.setSelectionRange(from + prefix.length, from + text.length);
}

// Insert a block (a table) on lines of its own, with a blank line before and after it.
function insertBlock(textarea, block) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const before = value.slice(0, start);
  const gapBefore = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const after = value.slice(end);
  const gapAfter = after.startsWith("\n") ? "\n" : "\n\n";
  replaceRange(textarea, start, end, gapBefore + block + gapAfter);
  const first = start + gapBefore.length + 2; // the first heading's text, selected to be typed over
  textarea.setSelectionRange(first, first + "Heading".length);
}

const TABLE = "| Heading | Heading |\n| ------- | ------- |\n| Cell    | Cell    |";

class Picker {
  constructor(editor, panel) {
    this.editor = editor;
    this.panel = panel;
    this.label = panel.querySelector("[data-picker-label]");
    this.input = panel.querySelector('[role="combobox"]');
    this.list = panel.querySelector('[role="listbox"]');
    this.status = panel.querySelector('[role="status"]');
    this.kind = null;
    this.opener = null;
    this.range = [0, 0];
    this.results = [];
    this.active = -1;
    this.sequence = 0;
    this.timer = null;
    this.input.addEventListener("input", () => this.schedule());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) {
        this.choose(Number(option.dataset.index));
      }
    });
    panel.querySelector("[data-picker-close]").addEventListener("click", () => this.close());
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  open(kind, opener) {
    if (this.opener && this.opener !== opener) {
      this.opener.setAttribute("aria-expanded", "false");
    }
    const textarea = this.editor.textarea;
    this.range = [textarea.selectionStart, textarea.selectionEnd];
    this.kind = kind;
    this.opener = opener;
    opener.setAttribute("aria-expanded", "true");
    this.label.textContent = KINDS[kind].label;
    this.input.value = "";
    this.show([]);
    this.status.textContent = "";
    this.panel.hidden = false;
    this.input.focus();
  }

  close({ focus = true } = {}) {
    if (!this.isOpen) {
      return;
    }
    window.clearTimeout(this.timer);
    this.sequence += 1; // answers still on their way are no longer wanted
    this.panel.hidden = true;
    this.show([]);
    this.opener.setAttribute("aria-expanded", "false");
    if (focus) {
      this.editor.focusTool(this.opener);
    }
  }

  schedule() {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.search(), SEARCH_DELAY_MS);
  }

  async search() {
    const words = this.input.value.trim();
    const sequence = ++this.sequence;
    if (words === "") {
      this.show([]);
      this.status.textContent = "";
      return;
    }
    const url = new URL(this.editor.pickUrl, window.location.href);
    url.search = new URLSearchParams({ kind: this.kind, q: words }).toString();
    let answer;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      answer = await response.json();
      if (!response.ok) {
        throw new Error(answer.error || "The search did not work.");
      }
    } catch (error) {
      if (sequence === this.sequence) {
        this.show([]);
        this.status.textContent = `${error instanceof SyntaxError ? "The search did not work." : error.message} You can still type the link yourself.`;
      }
      return;
    }
    if (sequence !== this.sequence) {
      return; // the writer has typed more since
    }
    this.show(answer.results);
    const names = KINDS[this.kind];
    const count = answer.results.length;
    if (count === 0) {
      this.status.textContent = `No ${names.one} you may see matches “${words}”.`;
    } else if (answer.more) {
      this.status.textContent = `The first ${count} ${names.many} found are listed: type more of the title to find others.`;
    } else {
      this.status.textContent = `${count} ${count === 1 ? names.one : names.many} found. Use the arrow keys to choose.`;
    }
  }

  show(results) {
    this.results = results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    fillOptions(this.list, results, (result) => ({ title: result.title, detail: result.detail }));
    this.list.hidden = results.length === 0;
    this.input.setAttribute("aria-expanded", results.length > 0 ? "true" : "false");
  }

  highlight(index) {
    this.active = highlight(this.list, this.input, this.active, index);
  }

  onKey(event) {
    const count = this.results.length;
    if (event.key === "ArrowDown" && count > 0) {
      event.preventDefault();
      this.highlight(this.active < count - 1 ? this.active + 1 : 0);
    } else if (event.key === "ArrowUp" && count > 0) {
      event.preventDefault();
      this.highlight(this.active > 0 ? this.active - 1 : count - 1);
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submit the page's form from here
      if (this.active >= 0) {
        this.choose(this.active);
      } else if (count > 0) {
        this.status.textContent = "Use the down arrow key to choose one of the results first.";
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  }

  choose(index) {
    const result = this.results[index];
    if (!result) {
      return;
    }
    const [start, end] = this.range;
    this.close({ focus: false });
    replaceRange(this.editor.textarea, start, end, result.insert);
  }
}

class Editor {
  constructor(root) {
    this.root = root;
    this.textarea = document.getElementById(root.dataset.for);
    this.form = this.textarea.form;
    this.pickUrl = root.dataset.pickUrl;
    this.toolbar = root.querySelector('[role="toolbar"]');
    this.tools = Array.from(this.toolbar.querySelectorAll("button"));
    const panel = root.querySelector(".polka-picker");
    // The toolbar and the picker sit right above the text box (below its label and hint).
    this.textarea.before(this.toolbar, panel);
    this.picker = new Picker(this, panel);
    if (!this.pickUrl) {
      // An editor outside a community has nothing to pick from.
      for (const tool of this.tools.filter((each) => each.dataset.tool === "pick")) {
        tool.remove();
      }
      this.tools = this.tools.filter((tool) => tool.isConnected);
    }
    this.tools.forEach((tool, index) => {
      tool.tabIndex = index === 0 ? 0 : -1;
      tool.addEventListener("click", () => this.use(tool));
    });
    this.toolbar.addEventListener("keydown", (event) => this.onKey(event));
    this.toolbar.hidden = false;
  }

  focusTool(tool) {
    for (const other of this.tools) {
      other.tabIndex = other === tool ? 0 : -1;
    }
    tool.focus();
  }

  onKey(event) {
    const index = this.tools.indexOf(event.target);
    if (index === -1) {
      return;
    }
    const last = this.tools.length - 1;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      this.focusTool(this.tools[next > last ? 0 : next < 0 ? last : next]);
    }
  }

  // A formatting button leaves the writer typing in the text box (the toolbar remembers the button).
  use(tool) {
    this.focusTool(tool);
    const textarea = this.textarea;
    switch (tool.dataset.tool) {
      case "bold":
        return wrap(textarea, "**", "**", "bold text");
      case "italic":
        return wrap(textarea, "_", "_", "italic text");
      case "heading":
        return prefixLines(textarea, "## ", "Heading");
      case "link": {
        wrap(textarea, "[", "](https://)", "link text");
        const address = textarea.selectionEnd + 2; // select "https://" to be typed over
        return textarea.setSelectionRange(address, address + "https://".length);
      }
      case "list":
        return prefixLines(textarea, "- ", "List item");
      case "table":
        return insertBlock(textarea, TABLE);
      case "pick":
        if (this.picker.isOpen && this.picker.opener === tool) {
          return this.picker.close();
        }
        return this.picker.open(tool.dataset.kind, tool);
      case "preview": {
        const preview = this.form.querySelector('button[name="action"][value="preview"]');
        return preview ? this.form.requestSubmit(preview) : undefined;
      }
      default:
        return undefined;
    }
  }
}

export function init() {
  for (const root of document.querySelectorAll('[data-module="polka-editor"]')) {
    new Editor(root);
  }
}
