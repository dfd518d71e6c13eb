// The calendar: drag a post chip to another day (month) or hour (week) to move it; a "move to"
// dialog does the same from the keyboard. Native HTML5 drag and drop and fetch, no framework.
(function () {
  "use strict";
  var calendar = document.getElementById("calendar");
  if (!calendar) {
    return;
  }
  var moveUrl = calendar.getAttribute("data-move-url"); // ends in /0/move/
  var view = calendar.getAttribute("data-view");
  var dragged = null;
  var origin = null; // {parent, next}

  function csrfToken() {
    var input = document.querySelector("#move-form [name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function urlFor(postId) {
    return moveUrl.replace(/\/0\/move\/$/, "/" + postId + "/move/");
  }

  function toast(message, ok) {
    var box = document.createElement("div");
    box.className = "toast align-items-center border-0 text-bg-" + (ok ? "success" : "danger");
    box.setAttribute("role", ok ? "status" : "alert");
    box.setAttribute("data-calendar-toast", ok ? "ok" : "error");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", "×");
    row.appendChild(body);
    row.appendChild(close);
    box.appendChild(row);
    document.getElementById("calendar-toasts").appendChild(box);
    if (window.bootstrap && window.bootstrap.Toast) {
      new window.bootstrap.Toast(box, { delay: 5000 }).show();
    } else {
      box.classList.add("show");
    }
  }

  function putBack(chip) {
    if (origin && origin.parent) {
      origin.parent.insertBefore(chip, origin.next);
    }
  }

  function save(chip, cell) {
    var data = new FormData();
    data.append("day", cell.getAttribute("data-day"));
    if (cell.hasAttribute("data-hour")) {
      data.append("hour", cell.getAttribute("data-hour"));
    }
    chip.classList.add("so-saving");
    var back = origin;
    return fetch(urlFor(chip.getAttribute("data-post")), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return { error: { message: response.statusText || "Error" } };
          })
          .then(function (body) {
            return { ok: response.ok, body: body };
          });
      })
      .then(function (result) {
        chip.classList.remove("so-saving");
        if (!result.ok) {
          origin = back;
          putBack(chip);
          toast((result.body.error && result.body.error.message) || "Error", false);
          return;
        }
        var local = result.body.local; // 2026-03-30T09:00:00+02:00
        var time = local.slice(11, 16);
        chip.setAttribute("data-time", time);
        chip.setAttribute("data-day", local.slice(0, 10));
        var label = chip.querySelector(".so-chip-time");
        if (!label) {
          label = document.createElement("span");
          label.className = "so-chip-time";
          chip.insertBefore(label, chip.firstChild);
        }
        label.textContent = time;
        toast(result.body.message, true);
      })
      .catch(function () {
        chip.classList.remove("so-saving");
        origin = back;
        putBack(chip);
        toast("Network error", false);
      });
  }

  document.addEventListener("dragstart", function (event) {
    var chip = event.target.closest && event.target.closest(".so-chip[draggable=true]");
    if (!chip) {
      return;
    }
    dragged = chip;
    origin = { parent: chip.parentNode, next: chip.nextSibling };
    chip.classList.add("so-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.getAttribute("data-post"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("so-dragging");
    }
    calendar.querySelectorAll(".so-drop-target").forEach(function (cell) {
      cell.classList.remove("so-drop-target");
    });
  });

  calendar.addEventListener("dragover", function (event) {
    var cell = event.target.closest("[data-drop]");
    if (!cell || !dragged) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    cell.classList.add("so-drop-target");
  });

  calendar.addEventListener("dragleave", function (event) {
    var cell = event.target.closest("[data-drop]");
    if (cell && !cell.contains(event.relatedTarget)) {
      cell.classList.remove("so-drop-target");
    }
  });

  calendar.addEventListener("drop", function (event) {
    var cell = event.target.closest("[data-drop]");
    if (!cell || !dragged) {
      return;
    }
    event.preventDefault();
    cell.classList.remove("so-drop-target");
    var chip = dragged;
    dragged = null;
    var sameDay = chip.getAttribute("data-day") === cell.getAttribute("data-day");
    if (sameDay && (view === "month" || chip.parentNode === cell)) {
      return;
    }
    cell.appendChild(chip);
    save(chip, cell);
  });

  // The keyboard way: each movable chip has a button opening the "move to" dialog.
  var dialog = document.getElementById("move-dialog");
  var form = document.getElementById("move-form");
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-move]");
    if (!button || !dialog) {
      return;
    }
    var chip = button.closest(".so-chip");
    form.action = urlFor(button.getAttribute("data-move"));
    form.querySelector("[name=day]").value =
      chip.getAttribute("data-day") || new Date().toISOString().slice(0, 10);
    form.querySelector("[name=time]").value = chip.getAttribute("data-time") || "09:00";
    var title = chip.querySelector(".so-chip-title");
    document.getElementById("move-post-title").textContent = title ? title.textContent : "";
    window.bootstrap.Modal.getOrCreateInstance(dialog).show();
  });

  // The week view scrolls: start at the first post of the week, or at 07:00.
  var scroller = calendar.querySelector(".so-week-scroll");
  if (scroller) {
    var first = scroller.querySelector("td[data-hour] .so-chip");
    var row = first ? first.closest("tr") : scroller.querySelector("td[data-hour='7']");
    var header = scroller.querySelector("thead");
    if (row) {
      scroller.scrollTop = row.offsetTop - (header ? header.offsetHeight : 0);
    }
  }

  var select = document.querySelector("[data-autosubmit]");
  if (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }
})();
