// The wall screen's browser side (pages/wall.py): rotation, clock and connection check. They run here so
// they go on while the server is away, and the last good slides stay on screen.
(function () {
  // Consecutive failed checks before the screen says "reconnecting": a lost request or two under load
  // is not an outage (the check is the server's cheapest answer, but it still waits its turn).
  const FAILURES_BEFORE_BANNER = 3;
  const CHECK_TIMEOUT_MS = 4000;
  // On recovery each screen refreshes after a random pause of up to this (or its refresh interval), so a
  // room of screens coming back together does not ask for its slides in the same second.
  const RECOVERY_SPREAD_MS = 20000;
  let failures = 0;
  let lastAnswer = Date.now();
  let recovery = null; // the pending refresh after an outage, while it waits its turn

  function twoDigits(value) {
    return String(value).padStart(2, "0");
  }

  // The page's language's words and clock (pages/wall.py browser_words), English until they arrive.
  const ENGLISH = {
    clock: "HH:mm",
    digits: "0123456789",
    position: "%(position)s of %(count)s · next: %(title)s",
    offline: "The server has not answered since %(time)s. The figures are the last good ones until it is back.",
  };

  function inDigits(text, words) {
    const digits = (words && words.digits) || ENGLISH.digits;
    return String(text).replace(/[0-9]/g, (digit) => digits[Number(digit)]);
  }

  // Hours and minutes by the locale's CLDR pattern: "HH:mm" (09:05), "H.mm" (9.05), Persian digits.
  function clockText(moment, words) {
    const pattern = (words && words.clock) || ENGLISH.clock;
    const text = pattern.replace(/HH|H|mm|m/g, (token) => {
      const value = token[0] === "H" ? moment.getHours() : moment.getMinutes();
      return token.length === 2 ? twoDigits(value) : String(value);
    });
    return inDigits(text, words);
  }

  // A sentence of the page's language with its %(name)s placeholders filled.
  function filled(name, words, values) {
    const template = (words && words[name]) || ENGLISH[name];
    return template.replace(/%\((\w+)\)s/g, (_match, key) => (key in values ? String(values[key]) : ""));
  }

  // Anything the server answers proves it is there; no-store so no cache answers for it.
  function serverAnswers() {
    let prefix = "/";
    try {
      prefix = JSON.parse(document.getElementById("_dash-config").textContent).requests_pathname_prefix || "/";
    } catch (error) {
      prefix = "/";
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), CHECK_TIMEOUT_MS);
    return fetch(`${prefix}session`, { method: "HEAD", cache: "no-store", signal: controller.signal })
      .then((response) => {
        // Signed out, or the display token revoked: reloading shows the sign-in page or the message.
        if (response.status === 401 || response.status === 403) window.location.reload();
        return response.ok;
      })
      .catch(() => false)
      .finally(() => clearTimeout(timer));
  }

  // The pointer shows while it moves and hides after a few still seconds: nobody wants an arrow left in
  // the middle of a TV, but someone previewing the wall on a laptop needs theirs. Body, not the wall's
  // own elements, so React never undoes it.
  let pointerTimer = null;
  document.addEventListener("mousemove", () => {
    if (!document.querySelector(".wall-root")) {
      return; // this file loads on every page; only the wall hides the pointer
    }
    document.body.classList.add("wall-pointer-moving");
    clearTimeout(pointerTimer);
    pointerTimer = setTimeout(() => document.body.classList.remove("wall-pointer-moving"), 3000);
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wall: {
      // The slide showing is worked out from the wall clock, so screens with the same URL agree and a
      // restarted browser picks up where the rotation is. Returns the deck's and the progress bar's
      // styles, the clock and "2 of 7 · next: Journey".
      tick: function (_n, settings, deck, words) {
        const titles = (deck && deck.titles) || [];
        const count = Math.max(titles.length, 1);
        const dwell = (settings && settings.dwell) || 20;
        const seconds = Date.now() / 1000;
        const active = Math.floor(seconds / dwell) % count;
        const fraction = (seconds % dwell) / dwell;
        const position =
          titles.length > 1
            ? filled("position", words, {
                position: inDigits(active + 1, words),
                count: inDigits(titles.length, words),
                title: titles[(active + 1) % titles.length],
              })
            : "";
        return [
          { "--active": active },
          { "--active": active, "--fraction": fraction.toFixed(3) },
          clockText(new Date(), words),
          position,
        ];
      },

      // Returns the connection store (changed only when it flips, which makes the server refresh the
      // slides), whether the banner is hidden, and its message. On recovery the banner goes at once and
      // the store flips after the screen's random pause.
      heartbeat: function (_n, connection, settings, words) {
        const noUpdate = window.dash_clientside.no_update;
        return serverAnswers().then((answered) => {
          const wasOnline = !connection || connection.online !== false;
          if (answered) {
            failures = 0;
            lastAnswer = Date.now();
            if (wasOnline || recovery) {
              return [noUpdate, true, noUpdate];
            }
            const refreshMs = ((settings && settings.refresh) || 60) * 1000;
            recovery = setTimeout(() => {
              recovery = null;
              window.dash_clientside.set_props("wall-connection", { data: { online: true, since: Date.now() } });
            }, Math.random() * Math.min(RECOVERY_SPREAD_MS, refreshMs));
            return [noUpdate, true, ""];
          }
          failures += 1;
          if (recovery) {
            clearTimeout(recovery); // gone again before its turn: the store still says offline
            recovery = null;
          }
          if (!wasOnline || failures < FAILURES_BEFORE_BANNER) {
            return [noUpdate, noUpdate, noUpdate];
          }
          const since = new Date(lastAnswer);
          return [
            { online: false, since: since.getTime() },
            false,
            filled("offline", words, { time: clockText(since, words) }),
          ];
        });
      },
    },
  });
})();
