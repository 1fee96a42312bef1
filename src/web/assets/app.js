// Progressive enhancement only: every page works without this file.
// GOV.UK Frontend initialises its components only on a body marked as supported.
document.body.classList.add('govuk-frontend-supported');
import('/assets/govuk-frontend.min.js').then((m) => m.initAll()).catch((e) => console.warn('congso: enhancements unavailable, the page works without them', e));

// ── E-form tables (issue 11, e-form helper): "Thêm dòng" / "Xóa dòng" in place ───────────────
// Without this, both are submit buttons and the server shows the form again with a row more
// or less. Here a row is added from the table's <template> (index __ROW__, number __NUM__) or
// removed, and the rows are numbered again (names f.<table>.<i>.<col>, ids f-<table>-<i>-<col>)
// so the server reads them as it reads the page it rendered. minItems/maxItems come as data-min/-max.
(() => {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const renumber = (table) => {
    const key = table.dataset.eformTable;
    const rows = [...table.querySelectorAll('[data-eform-rows] > [data-eform-row]')];
    const name = new RegExp(`^f\\.${esc(key)}\\.\\d+\\.`);
    const id = new RegExp(`^f-${esc(key)}-\\d+-`);
    rows.forEach((row, i) => {
      for (const el of row.querySelectorAll('[name]')) if (name.test(el.name)) el.name = el.name.replace(name, `f.${key}.${i}.`);
      for (const el of row.querySelectorAll('[id]')) if (id.test(el.id)) el.id = el.id.replace(id, `f-${key}-${i}-`);
      for (const el of row.querySelectorAll('label[for]')) el.htmlFor = el.htmlFor.replace(id, `f-${key}-${i}-`);
      for (const el of row.querySelectorAll('[aria-describedby]')) {
        el.setAttribute(
          'aria-describedby',
          el
            .getAttribute('aria-describedby')
            .split(' ')
            .map((x) => x.replace(id, `f-${key}-${i}-`))
            .join(' '),
        );
      }
      const legend = row.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(i + 1));
      const remove = row.querySelector('[data-eform-remove]');
      if (remove) {
        remove.value = `remove-row:${key}:${i}`;
        const n = remove.querySelector('.govuk-visually-hidden');
        if (n) n.textContent = ` ${i + 1}`;
      }
    });
    const min = Number(table.dataset.min || 0);
    const max = Number(table.dataset.max || 100);
    for (const b of table.querySelectorAll('[data-eform-rows] [data-eform-remove]')) b.hidden = rows.length <= min;
    const add = table.querySelector('[data-eform-add]');
    if (add) add.hidden = rows.length >= max;
    return rows;
  };
  document.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('[data-eform-add], [data-eform-remove]') : null;
    const table = button?.closest('[data-eform-table]');
    if (!button || !table) return;
    ev.preventDefault();
    const list = table.querySelector('[data-eform-rows]');
    if (button.hasAttribute('data-eform-add')) {
      const template = table.querySelector('template[data-eform-template]');
      const count = list.querySelectorAll(':scope > [data-eform-row]').length;
      if (!template || count >= Number(table.dataset.max || 100)) return;
      const html = template.innerHTML.replaceAll('__ROW__', String(count)).replaceAll('__NUM__', String(count + 1));
      list.insertAdjacentHTML('beforeend', html);
      const rows = renumber(table);
      rows[rows.length - 1]?.querySelector('input, select, textarea')?.focus();
    } else {
      const row = button.closest('[data-eform-row]');
      const rows = list.querySelectorAll(':scope > [data-eform-row]');
      if (!row || rows.length <= Number(table.dataset.min || 0)) return;
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber(table);
      (next?.querySelector('input, select, textarea') ?? table.querySelector('[data-eform-add]'))?.focus();
    }
  });
})();

// ── Usage analytics (issue 15): on a filing form only, our own beacon script reports which of
// the form's sections were shown (first-party, no cookie of its own; src/web/routes/analytics-portal.tsx).
if (document.querySelector('form[action^="/nop-ho-so/"][enctype="multipart/form-data"]')) {
  import('/phan-tich/theo-doi.js').catch(() => {
    // Counting is optional: the form works the same without it.
  });
}

// ── E-form fields filled from the business registry (issue 16): "Tra cứu" in place ──────────
// Without this, "Tra cứu" is a submit button and the server shows the form again, filled. Here the
// registry is asked (GET /api/v1/business-registry/{code}, the session's cookie) and the fields the
// button's data-fill names (the answer's field → an input's id) are filled; the status line under
// the button says what was found, and a ceased or suspended business plainly.
document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('[data-registry-lookup]') : null;
  if (!button) return;
  ev.preventDefault();
  const input = document.getElementById(button.dataset.registryLookup);
  const status = document.getElementById(`${button.dataset.registryLookup}-lookup`);
  const say = (text, kind) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('govuk-error-message', kind === 'error');
    status.classList.toggle('govuk-!-font-weight-bold', kind === 'warning');
  };
  const code = (input?.value ?? '').trim();
  if (!code) return say(button.dataset.empty, 'error');
  const en = document.documentElement.lang === 'en';
  button.disabled = true;
  try {
    const r = await fetch(`/api/v1/business-registry/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const body = await r.json().catch(() => null);
    if (!r.ok || !body) {
      const e = body?.error;
      return say((en ? e?.messageEn : e?.message) ?? button.dataset.failed, 'error');
    }
    const fill = JSON.parse(button.dataset.fill || '{}');
    for (const [from, id] of Object.entries(fill)) {
      const el = document.getElementById(id);
      if (el && typeof body[from] === 'string') {
        el.value = body[from];
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
    if (input) input.value = body.taxCode.replace('-', '');
    const notice = body.notice ? ` ${en ? body.notice.en : body.notice.vi}.` : '';
    say(`${button.dataset.filled} ${body.name} (${en ? body.statusLabel.en : body.statusLabel.vi}).${notice}`, body.notice ? 'warning' : 'info');
  } catch {
    say(button.dataset.failed, 'error');
  } finally {
    button.disabled = false;
  }
});
