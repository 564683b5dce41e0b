// "Copy link" buttons: hidden until this script runs, so without JavaScript the
// visible link itself is what people copy.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const status = button.parentElement.querySelector(".copy-status");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      if (status) status.textContent = "Link copied.";
    } catch {
      if (status) status.textContent = "Could not copy: select the link and copy it instead.";
    }
  });
});
