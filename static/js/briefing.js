/* Briefing: conveniences on top of pages that work without JavaScript.
 *
 * - "Reply" fills the comment form's hidden reply_to and says whom the
 *   reader answers, instead of reloading the page with ?reply_to=.
 * - A remaining-characters counter under the comment body.
 * - A form is sent once, however often its button is clicked (the server
 *   also stores a double post once, through the idempotency key).
 * - Respect is given and taken back without reloading the page (the form
 *   posts as it is without JavaScript).
 *
 * A static file, loaded with `defer`: the Content-Security-Policy allows
 * scripts from this site only, and no inline script.
 */
"use strict";

(function () {
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
      text.textContent = "Replying to " + name + ".";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button reply-note__cancel";
      cancel.textContent = "Cancel reply";
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
      showNote(link.dataset.replyName || "comment " + link.dataset.replyTo);
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
      var text =
        left.toLocaleString("en") +
        (left === 1 ? " character" : " characters") +
        " left";
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
          if (!response.ok) {
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
          form.querySelector(".respects").textContent = String(result.respects);
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  respectButtons();

  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    replyButtons(commentForm);
    sendOnce(commentForm);
  }
  document
    .querySelectorAll("textarea[name='body'][maxlength]")
    .forEach(characterCounter);
})();
