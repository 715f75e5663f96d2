// Light and dark theme. Without a choice the page follows the system setting
// (prefers-color-scheme, also when it changes); the switch in the top bar cycles system -> dark -> light and is
// remembered in localStorage. Charts take their text and grid colours from the CSS variables
// --chart-text and --chart-grid, read again whenever the effective theme changes.

const KEY = 'firstspike.theme';
const ORDER = ['system', 'dark', 'light'];
const media = window.matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set();

export function themeChoice() {
  const v = localStorage.getItem(KEY);
  return v === 'dark' || v === 'light' ? v : 'system';
}

/** 'dark' or 'light': the choice, or the system's setting. */
export function effectiveTheme() {
  const c = themeChoice();
  return c === 'system' ? (media.matches ? 'dark' : 'light') : c;
}

/** The chart colours of the effective theme. */
export function chartColors() {
  const s = getComputedStyle(document.documentElement);
  const v = (name, dflt) => s.getPropertyValue(name).trim() || dflt;
  return { text: v('--chart-text', '#4b5563'), grid: v('--chart-grid', '#eef0f3'), border: v('--chart-border', '#e5e7eb') };
}

/** Calls fn(theme) after every change of the effective theme. */
export function onThemeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function apply() {
  document.documentElement.dataset.theme = effectiveTheme(); // css/theme.css keys on it
  document.documentElement.style.colorScheme = effectiveTheme();
  for (const fn of listeners) fn(effectiveTheme());
}

export function setTheme(choice) {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  apply();
}

/** Wires the switch (a button) and applies the remembered choice. */
export function initTheme(button) {
  const paint = () => {
    const c = themeChoice();
    button.dataset.theme = c;
    const [sym, lbl] = { system: ['◐', 'auto'], dark: ['●', 'dark'], light: ['○', 'light'] }[c];
    button.replaceChildren(sym, Object.assign(document.createElement('span'), { className: 'lbl', textContent: ` ${lbl}` }));
    button.setAttribute('aria-label', `Theme: ${c === 'system' ? `system (${effectiveTheme()})` : c}. Switch theme`);
    button.title = 'Theme: follow the system, dark or light';
  };
  button.addEventListener('click', () => {
    setTheme(ORDER[(ORDER.indexOf(themeChoice()) + 1) % ORDER.length]);
    paint();
  });
  media.addEventListener('change', () => {
    if (themeChoice() === 'system') apply();
    paint();
  });
  apply();
  paint();
}
