// What the writing aids share (the Markdown editor's pickers, the forum's mentions): changing the
// text box with the browser's undo history kept, and a list of choices (an ARIA listbox) shown under
// what is being typed, moved along with the arrow keys.

// Replace a range of the text box with `text`, keeping the browser's undo history where it can.
export function replaceRange(textarea, start, end, text) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  if (!document.execCommand("insertText", false, text)) {
    textarea.setRangeText(text, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

// Fill `list` with one option per item: `describe(item)` gives its title and, if any, a detail line.
export function fillOptions(list, items, describe) {
  list.replaceChildren(
    ...items.map((item, index) => {
      const { title, detail } = describe(item);
      const option = document.createElement("li");
      option.id = `${list.id}-${index}`;
      option.className = "polka-picker__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      const titleText = document.createElement("span");
      titleText.className = "polka-picker__title";
      titleText.textContent = title;
      option.append(titleText);
      if (detail) {
        const detailText = document.createElement("span");
        detailText.className = "polka-picker__detail";
        detailText.textContent = detail;
        option.append(" ", detailText);
      }
      return option;
    }),
  );
}

// Make option `index` of `list` the chosen one (in place of option `previous`), announced through
// `owner`'s aria-activedescendant; returns `index`.
export function highlight(list, owner, previous, index) {
  const options = list.children;
  if (previous >= 0 && options[previous]) {
    options[previous].setAttribute("aria-selected", "false");
  }
  const option = options[index];
  option.setAttribute("aria-selected", "true");
  option.scrollIntoView({ block: "nearest" });
  owner.setAttribute("aria-activedescendant", option.id);
  return index;
}
