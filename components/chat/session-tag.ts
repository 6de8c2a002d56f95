// Session tags look like chat_model_{6 hex}_{counter}; the widget shows
// "[Model Name #015]" and copies the full tag.

/** The trailing counter of a tag, as written ("015", "1000"); null if the tag has none. */
export function tagCounter(sessionTag: string): string | null {
  const match = /_(\d+)$/.exec(sessionTag);
  return match ? match[1] : null;
}

export function badgeLabel(modelName: string | null | undefined, sessionTag: string): string {
  const counter = tagCounter(sessionTag);
  const name = modelName?.trim() || "Session";
  return counter ? `[${name} #${counter}]` : `[${name}]`;
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below (e.g. an iframe without clipboard-write permission)
  }
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  previousFocus?.focus();
  return ok;
}
