// A question session's page (and its moderators' queue), kept up to date without reloading.
// Progressive enhancement: without this module the page says to refresh, and every form still posts.
//
// Every few seconds the page asks the server whether anything changed, sending the token of what it
// has as `If-None-Match`: "304 Not Modified" when nothing did. When something did, the answer holds
// only the questions that changed, rendered as on the page, and the order each list is in now; the
// page puts each in its place without disturbing the rest, so a button someone is about to press stays
// where it is and keeps the focus. What is new is said once to screen readers, politely, in a single
// live region: never on a poll that brought nothing.

const HIDDEN_WAIT = 10000;
const LONGEST_WAIT = 30000;

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

// Where the focus is inside `element`, as a path of child positions (null when it is elsewhere).
function focusPath(element) {
  const path = [];
  let node = document.activeElement;
  if (!node || !element.contains(node) || node === element) {
    return null;
  }
  while (node !== element) {
    path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    node = node.parentElement;
  }
  return path;
}

function focusAt(element, path) {
  let node = element;
  for (const index of path) {
    node = node?.children[index];
  }
  const target = node && typeof node.focus === "function" ? node : element;
  if (target === element) {
    element.setAttribute("tabindex", "-1");
  }
  target.focus({ preventScroll: true });
}

// Put `fresh` where `old` is, keeping the focus where it was inside it.
function swap(old, fresh) {
  const path = focusPath(old);
  old.replaceWith(fresh);
  if (path) {
    focusAt(fresh, path);
  }
}

// Make `list` hold the elements `wanted` (in order), moving only those out of place.
function order(list, wanted) {
  const keep = new Set(wanted);
  for (const child of Array.from(list.children)) {
    if (!keep.has(child)) {
      child.remove();
    }
  }
  wanted.forEach((element, index) => {
    if (list.children[index] !== element) {
      const path = focusPath(element);
      list.insertBefore(element, list.children[index] || null);
      if (path) {
        focusAt(element, path);
      }
    }
  });
}

function plural(count, one, many) {
  return count === 1 ? one : many.replace("%d", String(count));
}

function say(announcer, words) {
  if (!announcer || words.length === 0) {
    return;
  }
  // Emptied first, so the same words said twice are announced twice.
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = words.join(" ");
  }, 100);
}

// A participant's page: apply the changes the server sent.
function applyBoard(board, data, announcer) {
  const words = [];
  if (data.board !== undefined) {
    const before = new Set(Array.from(board.querySelectorAll("[data-live-list] > li"), (li) => li.id));
    const path = focusPath(board);
    board.innerHTML = data.board;
    if (path) {
      focusAt(board, path);
    }
    const added = Array.from(board.querySelectorAll('[data-live-list="open"] > li')).filter((li) => !before.has(li.id));
    if (added.length > 0) {
      words.push(plural(added.length, "1 new question.", "%d new questions."));
    }
    say(announcer, words);
    return;
  }
  if (data.mine !== undefined) {
    const mine = board.querySelector('[data-live-part="mine"]');
    if (mine) {
      mine.innerHTML = data.mine;
    }
  }
  const lists = {
    open: board.querySelector('[data-live-list="open"]'),
    answered: board.querySelector('[data-live-list="answered"]'),
  };
  if (!lists.open || !lists.answered) {
    return;
  }
  const inLists = (id) => lists.open.querySelector(`:scope > li#${id}`) || lists.answered.querySelector(`:scope > li#${id}`);
  const known = new Set(Array.from(board.querySelectorAll("[data-live-list] > li"), (li) => li.id));
  const wereOpen = new Set(Array.from(lists.open.children, (li) => li.id));
  const sent = new Map();
  for (const li of Array.from(fragment(data.items).children)) {
    const old = inLists(li.id);
    if (old) {
      swap(old, li);
    }
    sent.set(li.id, li);
  }
  for (const [name, ids] of [["open", data.open], ["answered", data.answered]]) {
    const wanted = ids.map((id) => `question-${id}`).map((id) => sent.get(id) || inLists(id)).filter(Boolean);
    order(lists[name], wanted);
    const count = board.querySelector(`[data-live-count="${name}"]`);
    if (count) {
      count.textContent = `(${wanted.length})`;
    }
    const empty = board.querySelector(`[data-live-empty="${name}"]`);
    if (empty) {
      empty.hidden = wanted.length > 0;
    }
  }
  const answering = board.querySelector('[data-live-part="answering"]');
  const wasAnswering = answering?.dataset.answering || "";
  if (answering) {
    answering.innerHTML = data.answering;
    answering.dataset.answering = data.answering_id ? String(data.answering_id) : "";
  }
  const newOpen = data.open.filter((id) => !known.has(`question-${id}`)).length;
  if (newOpen > 0) {
    words.push(plural(newOpen, "1 new question.", "%d new questions."));
  }
  if (data.answered.some((id) => wereOpen.has(`question-${id}`) || !known.has(`question-${id}`))) {
    words.push("A question has been answered.");
  }
  if (data.answering_id && String(data.answering_id) !== wasAnswering) {
    const text = answering?.querySelector(".govuk-body-l")?.textContent.trim();
    words.push(text ? `Now answering: ${text}` : "The panel is answering a question now.");
  }
  say(announcer, words);
}

// The moderators' queue: the whole queue again, keeping what a moderator was typing or had open.
function applyQueue(queue, data, announcer) {
  const values = new Map();
  for (const field of queue.querySelectorAll("input[id], select[id], textarea[id]")) {
    values.set(field.id, field.value);
  }
  const opened = new Set(
    Array.from(queue.querySelectorAll("details[open]"), (details) => details.closest("li")?.id).filter(Boolean),
  );
  const focused = document.activeElement && queue.contains(document.activeElement) ? document.activeElement : null;
  const focusedId = focused?.id || "";
  const caret = focused && "selectionStart" in focused ? [focused.selectionStart, focused.selectionEnd] : null;
  const waitingBefore = queue.querySelectorAll("[data-live-waiting] > li").length;
  queue.innerHTML = data.queue;
  for (const [id, value] of values) {
    const field = document.getElementById(id);
    if (field && queue.contains(field) && value) {
      field.value = value;
    }
  }
  for (const id of opened) {
    queue.querySelector(`li#${id} details`)?.setAttribute("open", "");
  }
  if (focusedId) {
    const field = document.getElementById(focusedId);
    if (field) {
      field.focus({ preventScroll: true });
      if (caret && "setSelectionRange" in field) {
        try {
          field.setSelectionRange(caret[0], caret[1]);
        } catch {
          // a select has no caret
        }
      }
    }
  }
  if (data.waiting > waitingBefore) {
    say(announcer, [plural(data.waiting - waitingBefore, "1 new question waits.", "%d new questions wait.")]);
  }
}

function watch(region) {
  const url = region.dataset.liveUpdates;
  const announcer = document.getElementById("live-announcer");
  const isQueue = region.id === "live-queue";
  let token = region.dataset.liveToken;
  let wait = 2000;
  let failures = 0;
  let timer = null;

  for (const refresh of document.querySelectorAll(".polka-live-refresh")) {
    refresh.hidden = true;
  }

  function later(ms) {
    window.clearTimeout(timer);
    const jitter = 0.8 + Math.random() * 0.4; // hundreds of pages do not all ask at the same moment
    timer = window.setTimeout(check, document.hidden ? Math.max(ms, HIDDEN_WAIT) : Math.round(ms * jitter));
  }

  function stop(message) {
    window.clearTimeout(timer);
    for (const refresh of document.querySelectorAll(".polka-live-refresh")) {
      refresh.hidden = false;
    }
    say(announcer, [message]);
  }

  async function check() {
    try {
      const address = isQueue ? url : `${url}${url.includes("?") ? "&" : "?"}since=${encodeURIComponent(token)}`;
      const response = await fetch(address, {
        headers: { Accept: "application/json", "If-None-Match": `"${token}"` },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.status === 304) {
        failures = 0;
        later(wait);
        return;
      }
      if ([401, 403, 404].includes(response.status)) {
        stop("This page no longer updates: you may no longer see this session. Refresh the page.");
        return;
      }
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      const data = await response.json();
      if (isQueue) {
        applyQueue(region, data, announcer);
      } else {
        applyBoard(region, data, announcer);
      }
      token = data.token;
      wait = data.poll || wait;
      failures = 0;
      later(wait);
    } catch {
      // the server restarting, a network blip: ask again, less and less often
      failures += 1;
      later(Math.min(wait * 2 ** failures, LONGEST_WAIT));
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      later(0);
    }
  });
  later(wait);
}

export function init() {
  for (const region of document.querySelectorAll("[data-live-updates]")) {
    watch(region);
  }
}
