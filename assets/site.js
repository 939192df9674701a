// Small enhancements; every page works without them.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
});

document.addEventListener('change', (event) => {
  const all = event.target.closest('[data-select-all]');
  if (!all) return;
  const name = all.getAttribute('data-select-all');
  for (const box of document.querySelectorAll(`input[type=checkbox][name="${name}"]`)) box.checked = all.checked;
});

for (const input of document.querySelectorAll('input.code[readonly]')) {
  input.addEventListener('focus', () => input.select());
}
