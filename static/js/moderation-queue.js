/* The moderation queue's keys, over the row buttons that work without them:
   j/k move between comments (the first j selects the first), a approves,
   r opens the reasons and a reason's key rejects for it (o: other, with a
   note), f features, ? shows the keys. Keys typed in a field are the
   field's. After a decision the queue reloads and the same place is
   selected again, where the next comment now is. */
(function () {
  "use strict";

  const REMEMBERED = "briefing.desk.row";

  function start() {
    const table = document.getElementById("result_list");
    if (!table) {
      return;
    }
    const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []);
    const help = document.getElementById("desk-keys");
    let current = -1;
    let choosingReason = null;

    function select(index) {
      if (!rows.length) {
        return;
      }
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0) {
        rows[current].classList.remove("desk-current");
        rows[current].removeAttribute("aria-current");
      }
      current = index;
      const row = rows[current];
      row.classList.add("desk-current");
      row.setAttribute("aria-current", "true");
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }

    function remember(row) {
      try {
        window.sessionStorage.setItem(REMEMBERED, String(rows.indexOf(row)));
      } catch (error) {
        /* No storage: the queue still works, from its top. */
      }
    }

    function press(selector) {
      if (current < 0) {
        return;
      }
      const button = rows[current].querySelector(selector);
      if (button) {
        remember(rows[current]);
        button.click();
      }
    }

    function closeReasons() {
      if (choosingReason) {
        choosingReason.open = false;
        choosingReason = null;
      }
    }

    function typing(target) {
      return (
        target instanceof HTMLElement &&
        (target.isContentEditable ||
          ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
      );
    }

    rows.forEach(function (row) {
      row.addEventListener("click", function (event) {
        if (event.target.closest(".desk button")) {
          remember(row);
        }
      });
      /* The row's own fields (a note) are no changes to the list: Django's
         actions would otherwise warn of unsaved edits. */
      row.querySelectorAll(".desk-other input, .desk-note textarea").forEach(
        function (field) {
          field.addEventListener("change", function (event) {
            event.stopPropagation();
          });
        },
      );
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (event.key === "Escape" && choosingReason) {
        closeReasons();
        if (current >= 0) {
          rows[current].focus({ preventScroll: true });
        }
        return;
      }
      if (typing(event.target) || (help && help.open)) {
        return;
      }
      if (choosingReason) {
        const key = '[data-key="' + CSS.escape(event.key) + '"]';
        const choice = choosingReason.querySelector(
          ".desk-reasons " + key + ", .desk-other " + key,
        );
        if (choice) {
          event.preventDefault();
          if (choice.tagName === "INPUT") {
            choosingReason = null;
            choice.focus();
          } else {
            remember(rows[current]);
            choice.click();
          }
          return;
        }
        /* Any other key puts the reasons away and does what it does. */
        closeReasons();
      }
      switch (event.key) {
        case "j":
          select(current + 1);
          break;
        case "k":
          select(current < 0 ? 0 : current - 1);
          break;
        case "a":
          press(".desk-approve");
          break;
        case "f":
          press(".desk-feature");
          break;
        case "r": {
          const details = current >= 0 && rows[current].querySelector(".desk-reject");
          if (!details) {
            return;
          }
          details.open = true;
          choosingReason = details;
          break;
        }
        case "?":
          if (help && typeof help.showModal === "function") {
            help.showModal();
          }
          break;
        default:
          return;
      }
      event.preventDefault();
    });

    let remembered = null;
    try {
      remembered = window.sessionStorage.getItem(REMEMBERED);
      window.sessionStorage.removeItem(REMEMBERED);
    } catch (error) {
      remembered = null;
    }
    if (remembered !== null && rows.length) {
      select(Number(remembered) || 0);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
