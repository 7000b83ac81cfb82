/* Select2 shows the chosen value, or its placeholder, in a box with the role "textbox", which
   it names only by a title once a value is chosen: empty, a screen reader would find a box with
   no name. Each box takes the words of its field's label. Run after Django's autocomplete.js,
   whose jQuery ready handler builds the boxes. */
"use strict";
window.django.jQuery(() => {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = document.getElementById(`select2-${select.id}-container`);
    if (label && box) {
      box.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, "").trim());
    }
  }
});
