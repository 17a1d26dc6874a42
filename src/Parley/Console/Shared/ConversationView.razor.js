export function timeZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch { return null; }
}

// Follows new messages while the advisor is at the bottom; reading back up stays put.
export function scrollToEnd(list) {
  if (!list.parleyPinned) {
    list.parleyPinned = { value: true };
    list.addEventListener('scroll', () => {
      list.parleyPinned.value = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
    }, { passive: true });
  }
  if (list.parleyPinned.value) list.scrollTop = list.scrollHeight;
}
