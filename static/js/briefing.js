/* Briefing: conveniences on top of pages that work without JavaScript.
 *
 * - "Reply" fills the comment form's hidden reply_to and says whom the
 *   reader answers, instead of reloading the page with ?reply_to=.
 * - A remaining-characters counter under the comment body.
 * - A form is sent once, however often its button is clicked (the server
 *   also stores a double post once, through the idempotency key).
 * - After a failed post the comment box is focused, so typing goes on and a
 *   screen reader reads the error that describes it. The page opens at the
 *   box (the form's action carries its #anchor), which Chromium focuses by
 *   itself; other browsers only scroll there.
 * - Respect is given and taken back without reloading the page (the form
 *   posts as it is without JavaScript).
 * - Live: while the tab is visible, the page asks every 30 seconds for the
 *   discussion's last number and offers "N new comments — show", which
 *   replaces the list of comments only, never the reader's draft.
 *
 * A static file, loaded with `defer`: the Content-Security-Policy allows
 * scripts from this site only, and no inline script.
 */
"use strict";

(function () {
  // The page's language: Django's JavaScript catalog (/jsi18n/, loaded
  // before this file) gives gettext and ngettext; without it, English.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) {
    return count === 1 ? one : many;
  };
  function words(format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, name) {
      return String(values[name]);
    });
  }
  var language = document.documentElement.lang || "en";

  function replyButtons(form) {
    var replyTo = form.querySelector("input[name='reply_to']");
    var note = document.getElementById("reply-note");
    var body = form.querySelector("textarea[name='body']");
    if (!replyTo || !note || !body) {
      return;
    }

    function showNote(name) {
      note.textContent = "";
      var text = document.createElement("span");
      text.textContent = words(gettext("Replying to %(name)s."), { name: name });
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button reply-note__cancel";
      cancel.textContent = gettext("Cancel reply");
      cancel.addEventListener("click", function () {
        replyTo.value = "";
        note.hidden = true;
        body.focus();
      });
      note.append(text, " ", cancel);
      note.hidden = false;
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest("a.reply-link[data-reply-to]");
      if (!link) {
        return;
      }
      event.preventDefault();
      replyTo.value = link.dataset.replyTo;
      // textContent, never innerHTML: the name is a reader's own text.
      showNote(
        link.dataset.replyName ||
          words(gettext("comment %(number)s"), { number: link.dataset.replyTo })
      );
      form.scrollIntoView({ block: "start" });
      body.focus({ preventScroll: true });
    });
  }

  function characterCounter(textarea) {
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    if (!limit) {
      return;
    }
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = textarea.id + "_count";
    // Screen readers hear the count when typing pauses, not at every key.
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    textarea.after(counter, spoken);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute(
      "aria-describedby",
      (described ? described + " " : "") + counter.id
    );

    var timer = null;
    function update(announce) {
      var left = limit - textarea.value.length;
      var text = words(
        ngettext("%(count)s character left", "%(count)s characters left", left),
        { count: left.toLocaleString(language) }
      );
      counter.textContent = text;
      counter.classList.toggle("char-count--low", left <= limit / 20);
      if (announce) {
        clearTimeout(timer);
        timer = setTimeout(function () {
          spoken.textContent = text;
        }, 1000);
      }
    }
    textarea.addEventListener("input", function () {
      update(true);
    });
    update(false);
  }

  function sendOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "yes";
      // If the reader comes back (history), the form works again.
      window.addEventListener("pageshow", function () {
        delete form.dataset.sending;
      });
    });
  }

  function focusAfterFailure(form) {
    var body = form.querySelector("textarea[name='body']");
    if (body && form.querySelector(".form-error")) {
      body.focus({ preventScroll: true });
    }
  }

  function respectButtons() {
    document.addEventListener("submit", function (event) {
      var form = event.target.closest("form.respect");
      if (!form) {
        return;
      }
      event.preventDefault();
      var button = form.querySelector("button");
      if (button.disabled) {
        return;
      }
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf(
            "application/json"
          ) === 0;
          if (!response.ok || response.redirected || !json) {
            // The page without JavaScript says why (a limit, a signed-out session).
            form.submit();
            return null;
          }
          return response.json();
        })
        .then(function (result) {
          if (!result) {
            return;
          }
          button.setAttribute("aria-pressed", result.respected ? "true" : "false");
          // The next press asks for the other state (the form says which).
          form.querySelector("input[name='respect']").value = result.respected
            ? "withdraw"
            : "give";
          form.querySelector(".respects").textContent = String(result.respects);
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  function liveDiscussion(section) {
    var latestUrl = section.dataset.latestUrl;
    var known = parseInt(section.dataset.lastNumber, 10) || 0;
    var timer = null;
    var offer = document.createElement("p");
    offer.className = "live-offer";
    offer.setAttribute("role", "status");
    var offerText = document.createElement("span");
    var show = document.createElement("button");
    show.type = "button";
    show.className = "link-button live-offer__show";
    show.textContent = gettext("show");
    offer.append(offerText, " — ", show);
    offer.hidden = true;
    var list = section.querySelector("ol.comment-list:not(.comment-list--own)");
    (list || section.querySelector(".discussion__empty") || section.lastChild).before(offer);

    function poll() {
      timer = null;
      if (document.hidden) {
        return;
      }
      // No cookies: the answer is the same for everyone, and caches keep it.
      fetch(latestUrl, { credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (result) {
          if (result && result.last > known) {
            var count = result.last - known;
            offerText.textContent = words(
              ngettext("%(count)s new comment", "%(count)s new comments", count),
              { count: count }
            );
            offer.hidden = false;
          }
        })
        .catch(function () {})
        .finally(schedule);
    }

    function schedule() {
      if (timer === null && !document.hidden) {
        timer = setTimeout(poll, 30000);
      }
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        clearTimeout(timer);
        timer = null;
      } else {
        poll();
      }
    });

    show.addEventListener("click", function () {
      var url = location.href.split("#")[0];
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser()
            .parseFromString(html, "text/html")
            .getElementById("comments");
          if (!fresh) {
            return;
          }
          // The comments, their count and pages: never the form.
          [
            "ol.comment-list:not(.comment-list--own)",
            ".discussion__empty",
            ".pagination",
            ".discussion__title",
            ".sort",
          ].forEach(function (selector) {
            var old = section.querySelector(selector);
            var replacement = fresh.querySelector(selector);
            if (old && replacement) {
              old.replaceWith(replacement);
            } else if (!old && replacement) {
              offer.after(replacement);
            } else if (old && !replacement) {
              old.remove();
            }
          });
          known = parseInt(fresh.dataset.lastNumber, 10) || known;
          section.dataset.lastNumber = String(known);
          offer.hidden = true;
        });
    });

    schedule();
  }

  respectButtons();
  var discussion = document.getElementById("comments");
  if (discussion && discussion.dataset.latestUrl) {
    liveDiscussion(discussion);
  }

  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    replyButtons(commentForm);
    sendOnce(commentForm);
    focusAfterFailure(commentForm);
  }
  document
    .querySelectorAll("textarea[name='body'][maxlength]")
    .forEach(characterCounter);
})();
