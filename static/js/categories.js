// The categories page: filter the list as you type.
const input = document.getElementById("category-filter");
const items = [...document.querySelectorAll("#category-list .category")];
const none = document.getElementById("category-none");

function applyFilter() {
  const needle = input.value.trim().toLowerCase();
  let shown = 0;
  for (const item of items) {
    const match = item.dataset.label.toLowerCase().includes(needle);
    item.hidden = !match;
    if (match) shown += 1;
  }
  none.hidden = shown > 0;
}

if (input) {
  input.addEventListener("input", applyFilter);
  // Text typed (or restored by the browser) before this module loaded filters too.
  applyFilter();
}
