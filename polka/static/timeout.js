// The timeout warning (GOV.UK pattern): a modal dialog some minutes before the idle limit signs the
// person out, with "Stay signed in" (or Escape) and "Sign out". Activity in another tab extends the
// session too, so the script asks the server how long is left before warning; asking does not extend.
// When the session has ended, the dialog says so and offers to sign in again in a new tab, so this
// page and what is typed in it stay; once signed in, its forms get the new CSRF token.

const POLL_SECONDS = 10;

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

// "4 minutes 5 seconds" for the screen; a screen reader hears only whole steps (see `announcement`).
function spoken(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) {
    return plural(rest, "second");
  }
  return rest === 0 ? plural(minutes, "minute") : `${plural(minutes, "minute")} ${plural(rest, "second")}`;
}

// What the live region says at `seconds` left: every whole minute, then every 20 seconds.
function announcement(seconds) {
  if (seconds > 60) {
    return plural(Math.ceil(seconds / 60), "minute");
  }
  return plural(Math.max(0, Math.ceil(seconds / 20) * 20), "second");
}

export function init(dialog) {
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warning = dialog.querySelector('[data-timeout-state="warning"]');
  const ended = dialog.querySelector('[data-timeout-state="ended"]');
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const announce = dialog.querySelector("[data-timeout-announce]");
  const finalNote = dialog.querySelector("[data-timeout-final]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const signIn = dialog.querySelector("[data-timeout-sign-in]");
  let deadline = 0;
  let lastSaid = "";
  let checkTimer = null;
  let tickTimer = null;
  let pollTimer = null;
  let returnFocus = null;
  let signedOut = false;

  function stopTimers() {
    clearTimeout(checkTimer);
    clearInterval(tickTimer);
    clearInterval(pollTimer);
  }

  // Ask again when the warning is due: `secondsLeft` before the session ends, less the warning time.
  function schedule(secondsLeft) {
    stopTimers();
    checkTimer = setTimeout(check, Math.max(1, secondsLeft - warnSeconds) * 1000);
  }

  async function status() {
    const response = await fetch(dialog.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      credentials: "same-origin",
    });
    return response.json();
  }

  function token() {
    return dialog.querySelector('input[name="csrf_token"]').value;
  }

  // After signing in again elsewhere, every form on the page needs the new session's token.
  function takeToken(fresh) {
    if (fresh) {
      for (const input of document.querySelectorAll('input[name="csrf_token"]')) {
        input.value = fresh;
      }
    }
  }

  function open() {
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
  }

  function close() {
    stopTimers();
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && document.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = spoken(left);
    const said = announcement(left);
    if (said !== lastSaid) {
      lastSaid = said;
      announce.textContent = `For your security, we will sign you out in ${said}.`;
    }
    if (left === 0) {
      clearInterval(tickTimer);
      check();
    }
  }

  function showWarning(secondsLeft, canExtend) {
    stopTimers();
    deadline = Date.now() + secondsLeft * 1000;
    lastSaid = "";
    warning.hidden = false;
    ended.hidden = true;
    finalNote.hidden = canExtend;
    stay.hidden = !canExtend;
    dialog.setAttribute("aria-labelledby", "polka-timeout-title");
    dialog.setAttribute("aria-describedby", "polka-timeout-said");
    tick();
    open();
    (canExtend ? stay : dialog.querySelector('button[type="submit"]')).focus();
    tickTimer = setInterval(tick, 1000);
    // Someone may carry on in another tab: that extends the session and closes this warning.
    pollTimer = setInterval(check, POLL_SECONDS * 1000);
  }

  function showEnded() {
    stopTimers();
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "polka-timeout-ended-title");
    dialog.setAttribute("aria-describedby", "polka-timeout-ended-text");
    open();
    signIn.focus();
    pollTimer = setInterval(check, POLL_SECONDS * 1000);
  }

  async function check() {
    let answer;
    try {
      answer = await status();
    } catch {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(check, POLL_SECONDS * 1000);
      return;
    }
    if (!answer.signed_in) {
      if (!signedOut) {
        signedOut = true;
        showEnded();
      }
      return;
    }
    signedOut = false;
    takeToken(answer.csrf_token);
    if (answer.seconds_left > warnSeconds) {
      close();
      schedule(answer.seconds_left);
    } else if (dialog.open && !warning.hidden) {
      deadline = Date.now() + answer.seconds_left * 1000; // already counting down: keep in step
    } else {
      showWarning(answer.seconds_left, answer.can_extend);
    }
  }

  async function staySignedIn() {
    let answer;
    try {
      const response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": token() },
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (answer && answer.signed_in) {
      close();
      schedule(answer.seconds_left);
    } else {
      check();
    }
  }

  stay.addEventListener("click", staySignedIn);
  // Closed while signed out: keep asking quietly, to hand the page the new token once signed in again.
  dialog.querySelector("[data-timeout-close]").addEventListener("click", () => {
    close();
    pollTimer = setInterval(check, POLL_SECONDS * 1000);
  });
  // Escape means "stay signed in" while the warning shows; once signed out it just closes.
  dialog.addEventListener("cancel", (event) => {
    if (!warning.hidden && !stay.hidden) {
      event.preventDefault();
      staySignedIn();
    }
  });
  window.addEventListener("focus", () => {
    if (signedOut) {
      check();
    }
  });
  schedule(idleSeconds);
}
